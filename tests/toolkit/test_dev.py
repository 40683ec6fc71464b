"""`specfirst dev` as a real process on 127.0.0.1: spec edits regenerate, a broken spec keeps the last good
app serving, code edits reload, and the start-up log lists the operations answering 501."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

DEADLINE = 60.0
SPEC = """\
openapi: 3.1.0
info: {title: Dev loop, version: "1.0.0"}
paths:
  /ping:
    get:
      operationId: getPing
      tags: [system]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {ok: {type: boolean}}}
"""
NEW_OPERATION = """\
  /items/{itemId}/history:
    get:
      operationId: getItemHistory
      tags: [items]
      parameters:
        - {name: itemId, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
"""
APP = """\
import logging

from generated import create_app

logging.basicConfig(level=logging.INFO)
VERSION = {version}
app = create_app()


@app.get("/version")
def version() -> int:
    return VERSION
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class DevServer:
    def __init__(self, root: Path, log: Path, port: int) -> None:
        self.root, self.log, self.port = root, log, port

    def status(self, path: str) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    def body(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
            return str(response.read().decode())

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            try:
                if condition():
                    return
            except (OSError, urllib.error.URLError):
                pass  # the server is restarting
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; output:\n{self.output()}")


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[DevServer]:
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "openapi.yaml").write_text(SPEC)
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "__init__.py").write_text("")
    (tmp_path / "service" / "main.py").write_text(APP.format(version=1))
    port = _free_port()
    log = tmp_path / "dev.log"
    command = [sys.executable, "-m", "specfirst", "dev", "spec/openapi.yaml", "--out", "generated"]
    command += ["--app", "service.main:app", "--watch", "service", "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield DevServer(tmp_path, log, port)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            raise


def test_spec_edits_regenerate_and_code_edits_reload_without_a_restart(dev: DevServer) -> None:
    spec = dev.root / "spec" / "openapi.yaml"
    dev.wait_for(lambda: dev.status("/ping") == 501, "the first app")
    dev.wait_for(lambda: "1 operation(s) answer 501 until implemented" in dev.output(), "the 501 list")
    assert "getPing (GET /ping: SystemHandlers.get_ping)" in dev.output()
    assert dev.status("/items/1/history") == 404

    # a new operation: regenerated, reloaded, answering 501 until implemented
    spec.write_text(SPEC + NEW_OPERATION)
    dev.wait_for(lambda: dev.status("/items/1/history") == 501, "the new operation")
    dev.wait_for(lambda: "2 operation(s) answer 501 until implemented" in dev.output(), "the new 501 list")
    assert "getItemHistory (GET /items/{itemId}/history: ItemsHandlers.get_item_history)" in dev.output()

    # a broken spec: its errors are printed and the last good app keeps serving
    broken = NEW_OPERATION.replace("type: integer", "type: int").replace("{type: string}", "{$ref: '#/x'}")
    spec.write_text(SPEC + broken)
    dev.wait_for(lambda: "the last good app keeps serving" in dev.output(), "the spec's errors")
    lines = dev.output().splitlines()
    last_edit = max(i for i, line in enumerate(lines) if line == "spec/openapi.yaml: changed, regenerating")
    errors = lines[last_edit + 1 :]
    assert errors[0].startswith("spec/openapi.yaml:25:45: /paths/~1items~1{itemId}~1history/get/responses/")
    assert errors[0].endswith(
        "$ref '#/x' does not resolve [paths > /items/{itemId}/history > get > responses > "
        "200 > content > application/json > schema > items > $ref]"
    )
    assert errors[1].startswith(
        "spec/openapi.yaml:19:61: /paths/~1items~1{itemId}~1history/get/parameters/0/"
    )
    assert "'int' is not a valid type" in errors[1]
    assert errors[2] == "spec/openapi.yaml: 2 error(s); generated unchanged, the last good app keeps serving"
    assert dev.status("/items/1/history") == 501

    # fixed: served again
    spec.write_text(SPEC + NEW_OPERATION.replace("/items/{itemId}/history", "/items/{itemId}/changes"))
    dev.wait_for(lambda: dev.status("/items/1/changes") == 501, "the fixed spec")
    assert dev.status("/items/1/history") == 404

    # a code edit reloads
    assert dev.body("/version") == "1"
    (dev.root / "service" / "main.py").write_text(APP.format(version=2))
    dev.wait_for(lambda: dev.body("/version") == "2", "the code edit")
