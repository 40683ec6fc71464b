"""The two distributions built as a user gets them: wheels, installed into fresh environments."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

UV = Path(sys.executable).parent / "uv"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no PYTHONPATH, no virtualenv of ours, uv on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{UV.parent}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **extra}


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Both distributions, wheel and sdist, built from this checkout into a folder of their own."""
    folder = tmp_path_factory.mktemp("dist")
    for project in ("runtime", "codegen"):
        subprocess.run(
            [str(UV), "build", "--quiet", "--wheel", "--sdist", project, "--out-dir", str(folder)],
            cwd=ROOT,
            check=True,
            env=clean_env(),
        )
    yield folder
