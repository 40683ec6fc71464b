"""Write the generated package: into a staging folder, formatted, then swapped into place.

The output folder is replaced whole or not at all: an invalid spec or an interrupted run leaves it as it
was. No path may leave the staging folder, and a folder codegen did not write is never replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

MANIFEST = ".codegen.json"


class WriteError(Exception):
    """The output cannot be written where asked (an unsafe path, a folder we did not write)."""


def safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise WriteError(f"refusing to write {name!r}: not a plain relative path")
    if any("\\" in part or "\x00" in part for part in path.parts):
        raise WriteError(f"refusing to write {name!r}: not a plain relative path")
    return path


def stage(files: dict[str, str], near: Path) -> Path:
    """Write `files` into a new staging folder beside `near` (same filesystem, so the swap is a rename)."""
    near.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{near.name}.staging-", dir=near.parent))
    root = staging.resolve()
    for name in sorted(files):
        target = (staging / safe_relative(name)).resolve()
        if not target.is_relative_to(root):
            raise WriteError(f"refusing to write {name!r} outside the output folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[name], encoding="utf-8", newline="\n")
    return staging


def format_python(folder: Path) -> None:
    """ruff: sort imports, drop unused ones, and format, so the output reads like hand-written code."""
    from ruff.__main__ import find_ruff_bin

    ruff = os.fsdecode(find_ruff_bin())
    common = ["--isolated", "--no-cache", "--line-length", "100", "--target-version", "py311", "--quiet"]
    subprocess.run(
        [
            ruff,
            "check",
            *common,
            "--select",
            # imports sorted and used; and the few rules datamodel-code-generator's helpers trip,
            # whose fixes (merging isinstance calls, dropping stale noqa) cannot change behaviour
            "I,F401,RUF022,RUF036,RUF100,SIM101",
            "--fix",
            "--unsafe-fixes",
            "--exit-zero",
            "--config",
            "lint.isort.known-third-party=['codegen']",
            str(folder),
        ],
        check=True,
    )
    subprocess.run([ruff, "format", *common, str(folder)], check=True)


def digest_tree(folder: Path) -> dict[str, str]:
    """sha256 of every file below `folder` (manifest and caches excluded), by relative posix path."""
    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST and "__pycache__" not in path.parts:
            result[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def write_manifest(folder: Path, data: dict[str, object]) -> None:
    data = {**data, "files": digest_tree(folder)}
    (folder / MANIFEST).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def read_manifest(folder: Path) -> dict[str, object] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def swap_into_place(staging: Path, out: Path) -> None:
    """Replace `out` with `staging`. The old tree is moved aside first and removed only after the swap."""
    if out.exists():
        if not out.is_dir():
            raise WriteError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and read_manifest(out) is None:
            raise WriteError(f"{out} is not empty and was not written by codegen; refusing to replace it")
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out)


def drifted(staging: Path, out: Path) -> list[str]:
    """Files that differ between what would be generated and what is there (added, changed, removed)."""
    want = digest_tree(staging)
    have = digest_tree(out) if out.is_dir() else {}
    return sorted(name for name in want.keys() | have.keys() if want.get(name) != have.get(name))
