"""The built SDKs against a newer, misbehaving server: Python sync, Python async and TypeScript, one table.

tests/sdk/newer_server.py plays the server (unknown fields, enum values and union variants, a required
field missing, HTML bodies, redirects, a stalled body, Retry-After in both forms and above the cap,
x-should-retry, 429/5xx/409, a port that refuses the first connection). drive_newer.py (run in a venv
holding only the SDK's wheel) and ts/newer.ts (compiled against the npm tarball) print what each call
gave; every line must read the same in the three, and as EXPECTED says.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .newer_server import newer_server

HERE = Path(__file__).resolve().parent

# what every SDK gives for each scenario: "ok:<what>" or "<ErrorClass>:<status>:<attempts>:<body kind>"
EXPECTED = {
    "unknown field, enum value": "ok:colour=red:currency=JPY:absent optional=True",
    "required field missing": "APIResponseValidationError:200:response",
    "404 text/html": "NotFoundError:404:1:text",
    "200 text/html": "APIResponseValidationError:200:response",
    "302 without Location": "APIResponseValidationError:302:response",
    "redirect loop": "APIResponseValidationError:None:no response",
    "undeclared 201": "APIResponseValidationError:201:response",
    "429 Retry-After seconds": "ok:attempt 2",
    "503 Retry-After date": "ok:attempt 2",
    "429 Retry-After above cap": "ok:attempt 2",  # not after 3600 s, nor 60 s: " (slow)" past 5 s
    "503 503 200": "ok:attempt 3",
    "503 x-should-retry false": "ServiceUnavailableError:503:1:json",  # declared: a subclass
    "400 x-should-retry true": "ok:attempt 2",
    "409": "ConflictError:409:1:json",
    "body stalls": "APITimeoutError",
    "500 always": "InternalServerError:500:3:json",
    "429 always": "RateLimitError:429:3:json",
    "404 problem+json": "NotFoundError:404:1:json",
    "user agent": "ok:item-store-api",
    "unknown variant": "ok:kind=video:seconds=30",
    "POST 503 then 201": "ok:1 key(s), retry counts 0,1",
    "page with repeated offset": "ok:100 items:JPY",
    # the first attempt never reached the server; the second did, with the key made for the call
    "refused before sending, POST": "ok:1 key(s), retry counts 1",
}


# where TypeScript differs, on purpose: it does not validate answers at run time (openai-node neither;
# the SDK ships no schemas), so a required field that is absent reads `undefined` instead of raising
EXPECTED_TYPESCRIPT = {**EXPECTED, "required field missing": "ok:undefined"}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with newer_server() as base:
        yield base


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_python_sdk_against_a_newer_server(sdk_python: Path, server: str, mode: str) -> None:
    done = subprocess.run(
        [sdk_python, HERE / "drive_newer.py", server, mode], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    outcomes = json.loads(done.stdout)
    assert outcomes.pop("404 body is the declared model") == "Problem"  # typed (TypeScript: unchecked)
    assert outcomes == EXPECTED


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_typescript_sdk_against_a_newer_server(server: str, tmp_path: Path) -> None:
    from specfirst.sdk_typescript import generate_typescript_sdk

    from .conftest import SPEC
    from .test_typescript import install_typescript, installed_project

    ts_sdk = generate_typescript_sdk(SPEC, tmp_path / "item-store-api")
    project = installed_project(ts_sdk, install_typescript(), tmp_path, ["newer.ts"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("NODE_")}
    done = subprocess.run(
        ["node", "newer.js", server], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == EXPECTED_TYPESCRIPT
