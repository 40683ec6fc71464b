"""The generated SDK, installed from its wheel into a fresh venv, against the running example service."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .conftest import API_KEY, PACKAGE

DRIVER = Path(__file__).with_name("drive_service.py")


def test_wheel_installs_with_only_httpx2_and_pydantic(sdk_python: Path) -> None:
    result = subprocess.run(
        [sdk_python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
        check=True,
        capture_output=True,
        text=True,
    )
    installed = {line.split("==")[0].lower() for line in result.stdout.splitlines()}
    assert {"item-store-api", "httpx2", "pydantic"} <= installed
    assert "fastapi" not in installed and "contractkit" not in installed


def test_import_makes_no_network_connection(sdk_python: Path) -> None:
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise AssertionError('network at import')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        f"import {PACKAGE}\n"
        f"c = {PACKAGE}.Client('http://127.0.0.1:9', api_key='k')\n"
        "assert c.items is c.items\n"
        f"print({PACKAGE}.__version__)\n"
    )
    result = subprocess.run([sdk_python, "-c", code], check=True, capture_output=True, text=True)
    assert result.stdout.strip() == "1.0.0"


def test_every_operation_sync_and_async(sdk_python: Path, service: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sdk_python, DRIVER, service, API_KEY, tmp_path],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "all operations passed" in result.stdout


def test_wheel_metadata_licence_and_a_pydantic_floor_that_forces_no_upgrade(sdk_python: Path) -> None:
    code = (
        "from importlib.metadata import metadata, requires\n"
        "meta = metadata('item-store-api')\n"
        "print(meta.get('License-Expression'))\n"
        "print([r for r in requires('item-store-api') if r.startswith('pydantic')][0])\n"
    )
    result = subprocess.run([sdk_python, "-c", code], check=True, capture_output=True, text=True)
    licence, pydantic = result.stdout.splitlines()
    assert licence == "MIT"
    # 2.11 brought validate_by_name, the newest pydantic feature the models use
    assert pydantic.replace(" ", "").startswith("pydantic[email]<3,>=2.11") or ">=2.11" in pydantic
