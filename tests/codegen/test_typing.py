"""The seam between generated and hand-written code is checked by mypy, and the docs work offline."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from specfirst.cli import main
from tests.conftest import FEATURE_SPECS, ROOT, Generate

IMPLEMENTATION = """
from typing import Any
from pkg import DefaultHandlers, create_app
from pkg.models import ProblemOut, UserIn, UserOut, UserPageOut
from pkg.responses import CreateUserCreated


class Users(DefaultHandlers):
    async def create_user(self, *, body: UserIn) -> CreateUserCreated:
        return CreateUserCreated(body=UserOut(id=1, email=body.email), location="/users/1")

    def list_users(self) -> UserPageOut:
        return UserPageOut(items=[], total=0)
{extra}

app = create_app(default=Users)
"""


def mypy(folder: Path, source: str) -> subprocess.CompletedProcess[str]:
    (folder / "impl.py").write_text(textwrap.dedent(source))
    return subprocess.run(
        [Path(sys.executable).parent / "mypy", "--strict", "--no-incremental", "impl.py"],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


def test_mypy_flags_a_missing_operation_and_a_wrong_return_type(tmp_path: Path) -> None:
    assert main(["generate", str(FEATURE_SPECS / "readonly.yaml"), "--out", str(tmp_path / "pkg")]) == 0
    source = IMPLEMENTATION.replace("ProblemOut, ", "")
    complete = mypy(
        tmp_path, source.format(extra="\n    def delete_user(self, *, user_id: int) -> None:\n        pass\n")
    )
    assert complete.returncode == 0, complete.stdout

    missing = mypy(tmp_path, source.format(extra=""))
    assert missing.returncode == 1
    assert re.search(r"impl\.py:\d+: error: .*abstract|Only concrete class", missing.stdout), missing.stdout

    wrong = mypy(
        tmp_path,
        source.format(extra="\n    def delete_user(self, *, user_id: int) -> str:\n        return 'x'\n"),
    )
    assert wrong.returncode == 1
    assert "delete_user" in wrong.stdout


def test_docs_and_redoc_load_their_assets_locally(generate_package: Generate) -> None:
    pkg: Any = generate_package(FEATURE_SPECS / "readonly.yaml", "gen_readonly")
    client = TestClient(pkg.create_app())
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets, html
        for url in assets:
            assert not url.startswith(("http://", "https://", "//")), url
            assert client.get(url).status_code == 200, url
        assert "/openapi.json" in html
    assert "fonts.googleapis" not in client.get("/redoc").text
