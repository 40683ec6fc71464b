"""Settings: the generated signing key."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from app.config import Settings


def _key(path: str) -> str:
    return Settings(secret_key=None, secret_key_file=Path(path)).signing_key()


def test_workers_starting_together_share_one_complete_key(tmp_path: Path) -> None:
    """Issue 14, 8: each worker did touch-then-write, so one could read an empty file or two keys exist."""
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        for attempt in range(5):
            path = tmp_path / f"key-{attempt}"
            keys = pool.map(_key, [str(path)] * 16, chunksize=1)
            assert len(set(keys)) == 1 and len(keys[0]) >= 64
            assert path.read_text() == keys[0]
            assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
