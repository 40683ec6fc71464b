"""The README's code blocks marked ```python run are executed: the SDK example against the running example
service, on its fresh database, twice in a row (so it signs up and names its item uniquely)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
RUN_BLOCK = re.compile(r"^```python run\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)
DOCUMENTED_BASE = "http://127.0.0.1:8000"


def run_blocks() -> list[str]:
    return [match["code"] for match in RUN_BLOCK.finditer(README.read_text(encoding="utf-8"))]


def test_the_readme_marks_the_sdk_example_for_running() -> None:
    blocks = run_blocks()
    assert len(blocks) == 1
    assert "from item_store_api import" in blocks[0]


@pytest.mark.parametrize("index", range(len(run_blocks())))
def test_a_readme_block_runs_against_the_service_twice_in_a_row(
    index: int, sdk_python: Path, service: str
) -> None:
    code = run_blocks()[index]
    assert DOCUMENTED_BASE in code
    code = code.replace(DOCUMENTED_BASE, service)
    for attempt in (1, 2):
        result = subprocess.run(
            [sdk_python, "-c", code], capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0, f"run {attempt}:\n{result.stdout}\n{result.stderr}"
    # the example prints the 404 it provokes: status and title
    assert "404 Not Found" in result.stdout
