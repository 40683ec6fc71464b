"""/docs and /redoc in a real headless Chromium, offline: every request leaving 127.0.0.1 is blocked and
recorded (Chrome DevTools Protocol, Fetch domain), and each operation's summary must appear in the DOM."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from fastapi.testclient import TestClient
from websockets.sync.client import ClientConnection, connect

from tests.contract.run import example_service

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
DEADLINE = 45.0
TEXT = "document.documentElement ? document.documentElement.textContent : ''"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
)


def chromium() -> str:
    """Debian's chromium; installed with apt-get where missing and possible, else the test is skipped."""
    found = shutil.which("chromium")
    if found is None and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, timeout=600, check=False
        )
        found = shutil.which("chromium")
    if found is None:
        pytest.skip("Chromium is missing and `apt-get install chromium` is not possible here (not root)")
    return found


def summaries() -> list[str]:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return [
        operation["summary"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "summary" in operation
    ]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with example_service(tmp_path_factory.mktemp("docs-service"), LOG_LEVEL="WARNING") as (base, _):
        yield base


class Browser:
    """One page of a headless Chromium, driven over CDP, with every request outside 127.0.0.1 failed."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.session = ""
        self.outside: list[str] = []
        self.local: list[str] = []
        self.replies: dict[int, dict[str, Any]] = {}

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: bool = True) -> Any:
        message_id = next(self.ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + DEADLINE
        while message_id not in self.replies and time.monotonic() < deadline:
            received = json.loads(self.socket.recv(timeout=DEADLINE))
            if "id" in received:  # a reply, perhaps to a call made while handling an event
                self.replies[received["id"]] = received
            else:
                self.handle(received)
        reply = self.replies.pop(message_id, None)
        assert reply is not None, f"no answer to {method}"
        assert "error" not in reply, reply
        return reply.get("result", {})

    def handle(self, event: dict[str, Any]) -> None:
        if event.get("method") != "Fetch.requestPaused":
            return
        params = event["params"]
        url = params["request"]["url"]
        if urlsplit(url).hostname == "127.0.0.1":
            self.local.append(url)
            self.call("Fetch.continueRequest", {"requestId": params["requestId"]})
        else:
            self.outside.append(url)
            blocked = {"requestId": params["requestId"], "errorReason": "BlockedByClient"}
            self.call("Fetch.failRequest", blocked)

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)
        self.session = attached["sessionId"]
        self.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
        self.call("Runtime.enable")
        self.call("Page.navigate", {"url": url})

    def text_when(self, wanted: list[str]) -> str:
        """The page's text once every string of `wanted` is in it (or at the deadline)."""
        deadline = time.monotonic() + DEADLINE
        text = ""
        while time.monotonic() < deadline:
            result = self.call("Runtime.evaluate", {"expression": TEXT})
            text = str(result.get("result", {}).get("value", ""))
            if all(summary in text for summary in wanted):
                break
            time.sleep(0.2)  # the page renders after the contract loads: poll, bounded by the deadline
        # a last round of events: anything the rendered page still requests
        settle = {"expression": "new Promise(r => setTimeout(r, 500))", "awaitPromise": True}
        self.call("Runtime.evaluate", settle)
        return text


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    binary = chromium()
    process = subprocess.Popen(
        [binary, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        endpoint = None
        deadline = time.monotonic() + DEADLINE
        while endpoint is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                break
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            endpoint = match[1] if match else None
        assert endpoint is not None, "Chromium did not start its DevTools endpoint"
        with connect(endpoint, max_size=None, open_timeout=DEADLINE) as socket:
            yield Browser(socket)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_render_every_operation_with_no_request_outside(
    page: str, service: str, browser: Browser
) -> None:
    wanted = summaries()
    assert len(wanted) >= 10

    browser.open(service + page)
    text = browser.text_when(wanted)

    assert browser.outside == []
    assert [summary for summary in wanted if summary not in text] == []
    assert any(url.endswith("/openapi.json") for url in browser.local)


def test_the_redoc_bundle_is_served_without_its_outside_logo(tmp_path: Path) -> None:
    from app.config import Settings
    from app.main import build_app
    from app.schema import upgrade

    settings = Settings(database_url=f"sqlite:///{tmp_path}/db.sqlite3", secret_key="k" * 64)
    upgrade(settings.database_url)  # a worker starts only on a database at the newest migration
    with TestClient(build_app(settings)) as client:
        bundle = client.get("/static-offline-docs/redoc.standalone.js")
    assert bundle.status_code == 200
    assert "cdn.redoc.ly" not in bundle.text
    assert "redocly logo" in bundle.text  # the same bundle otherwise
