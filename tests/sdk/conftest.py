"""Fixtures: the SDK generated from spec/openapi.yaml, built as a wheel into a fresh venv, and the service.

Everything is session-scoped and lives under pytest's tmp folder: the repo is never written to.
"""

from __future__ import annotations

import json
import subprocess
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from specfirst.sdk import generate_python_sdk
from tests.contract.run import example_service

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
API_KEY = "sdk-test-key"
PACKAGE = "item_store_api"


@pytest.fixture(scope="session")
def sdk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_python_sdk(SPEC, tmp_path_factory.mktemp("sdk") / "item-store-sdk")


@pytest.fixture(scope="session")
def sdk_python(sdk_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh venv with only the SDK's wheel and its dependencies installed."""
    base = tmp_path_factory.mktemp("sdk-venv")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    quiet = {"check": True, "capture_output": True, "text": True}
    wheels = base / "wheels"
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "--disable-pip-version-check",
            "-w",
            wheels,
            sdk_dir,
        ],
        **quiet,  # type: ignore[call-overload]
    )
    (wheel,) = wheels.glob("*.whl")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel],
        **quiet,  # type: ignore[call-overload]
    )
    return python


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("sdk-service")
    with example_service(folder, API_KEYS=json.dumps([API_KEY]), LOG_LEVEL="WARNING") as (base, _):
        yield base
