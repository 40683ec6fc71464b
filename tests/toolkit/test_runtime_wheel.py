"""The runtime wheel alone serves a generated package: nothing of the generator comes with it.

A fresh virtualenv gets the runtime wheel and uvicorn, nothing else; a package generated from the
`init` contract and a three-line service are served from it on 127.0.0.1.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx2
import pytest

from specfirst import __version__
from specfirst.cli import main
from tests.conftest import ROOT
from tests.toolkit.conftest import UV, clean_env

INIT_SPEC = ROOT / "codegen" / "src" / "specfirst" / "templates" / "project" / "openapi.yaml"
# what `pip install specfirst-runtime uvicorn` may bring: the web stack and nothing of the generator
EXPECTED = {
    "annotated-doc",
    "annotated-types",
    "anyio",
    "click",
    "fastapi",
    "fastapi-offline",
    "h11",
    "idna",
    "opentelemetry-api",
    "pydantic",
    "pydantic-core",
    "specfirst-runtime",
    "starlette",
    "typing-extensions",
    "typing-inspection",
    "uvicorn",
}
NEVER = {"datamodel-code-generator", "jinja2", "openapi-spec-validator", "ruff", "pyyaml", "jsonschema"}
SERVICE = """
import datetime

from bookshelf import BooksHandlers, Security, SystemHandlers, create_app
from bookshelf.models import BookIn, BookOut, BookPageOut, Health
from bookshelf.responses import CreateBookCreated


class System(SystemHandlers):
    def get_health(self) -> Health:
        return Health(status="ok")


class Books(BooksHandlers):
    async def list_books(self, *, limit: int, offset: int) -> BookPageOut:
        return BookPageOut(items=[], total=0)

    async def create_book(self, *, body: BookIn) -> CreateBookCreated:
        now = datetime.datetime.now(datetime.UTC)
        book = BookOut(id=1, title=body.title, author=body.author, created_at=now)
        return CreateBookCreated(body=book, location="/books/1")


def verify(token: str, scopes: object) -> str | None:
    return "ann" if token == "good" else None


app = create_app(system=System, books=Books, security=Security(bearer=verify))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def runtime_venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("runtime-only") / "venv"
    subprocess.run([str(UV), "venv", "--quiet", "--python", "3.11", str(venv)], check=True, env=clean_env())
    wheel = next(dist.glob("specfirst_runtime-*.whl"))
    subprocess.run(
        [
            str(UV),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            str(wheel),
            "uvicorn",
        ],
        check=True,
        env=clean_env(),
    )
    return venv


def _installed(venv: Path) -> set[str]:
    frozen = subprocess.run(
        [str(UV), "pip", "freeze", "--python", str(venv / "bin" / "python")],
        check=True,
        capture_output=True,
        text=True,
        env=clean_env(),
    ).stdout
    return {
        re.split(r"[=@ ]", line, maxsplit=1)[0].lower().replace("_", "-")
        for line in frozen.splitlines()
        if line.strip()
    }


def test_the_runtime_wheel_pulls_in_the_web_stack_only(runtime_venv: Path) -> None:
    installed = _installed(runtime_venv)
    assert not installed & NEVER
    assert installed == EXPECTED, f"new: {sorted(installed - EXPECTED)}, gone: {sorted(EXPECTED - installed)}"


@pytest.fixture(scope="module")
def service_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("service")
    assert main(["generate", str(INIT_SPEC), "--out", str(folder / "bookshelf")]) == 0
    (folder / "service.py").write_text(SERVICE)
    return folder


def test_a_generated_package_is_served_from_the_runtime_wheel_alone(
    runtime_venv: Path, service_dir: Path
) -> None:
    port = _free_port()
    log_path = service_dir / f"server-{port}.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [str(runtime_venv / "bin" / "python"), "-m", "uvicorn", "service:app", "--port", str(port)],
        cwd=service_dir,
        env=clean_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        with httpx2.Client(base_url=base, timeout=5) as client:
            while True:
                try:
                    health = client.get("/health")
                    break
                except httpx2.TransportError:
                    assert server.poll() is None, log_path.read_text()
                    assert time.monotonic() < deadline, "the service did not answer within 30 s"
                    time.sleep(0.1)  # waiting for readiness, bounded by the deadline
            assert health.status_code == 200 and health.json() == {"status": "ok"}
            invalid = client.get("/books", params={"limit": 0})
            assert invalid.status_code == 422
            assert invalid.headers["content-type"] == "application/problem+json"
            unauthorized = client.post("/books", json={"title": "T", "author": "A"})
            assert unauthorized.status_code == 401 and unauthorized.headers["www-authenticate"].startswith(
                "Bearer"
            )
            assert client.get("/books").json() == {"items": [], "total": 0}
            created = client.post(
                "/books", json={"title": "T", "author": "A"}, headers={"Authorization": "Bearer good"}
            )
            assert created.status_code == 201 and created.headers["location"] == "/books/1"
            assert client.get("/books/1").status_code == 501  # no implementation given
            docs = client.get("/docs")
            assert docs.status_code == 200 and "swagger-ui" in docs.text
            assert client.get("/openapi.json").json()["info"]["title"] == "Bookshelf API"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_a_runtime_outside_the_recorded_range_fails_at_import_naming_both(
    runtime_venv: Path, service_dir: Path, tmp_path: Path
) -> None:
    stale = tmp_path / "bookshelf"
    shutil.copytree(service_dir / "bookshelf", stale)
    init = stale / "__init__.py"
    text = init.read_text()
    pinned = re.search(r"specfirst_runtime\.require\(\s*\"([^\"]+)\",\s*\"([^\"]+)\",", text)
    assert pinned is not None and pinned.groups() == ("0.2.0", "0.3")
    init.write_text(text.replace(pinned.group(0), 'specfirst_runtime.require("9.1.0", "9.2",'))
    result = subprocess.run(
        [str(runtime_venv / "bin" / "python"), "-c", "import bookshelf"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("specfirst_runtime.version.RuntimeMismatch: bookshelf was generated by specfirst")
    assert (
        "specfirst-runtime >=9.1.0,<9.2" in last and f"specfirst-runtime {__version__} is installed" in last
    )
    assert "specfirst generate" in last and "--out bookshelf" in last
