"""Write the generated package: into a staging folder, formatted, then moved into place.

Nothing is touched before the whole package is staged: an invalid spec leaves the output as it was. A new
output folder is the staging folder renamed; an existing one gets only the files whose bytes changed
(each replaced atomically, so an edit to one operation rewrites a file or two and a reloading server or
`make` sees only those), stale files removed, and the manifest written last: an interrupted update is
found by `check` and redone by the next `generate`. No path may leave the staging folder, and a folder
specfirst did not write is never replaced. Folders and files get the ordinary modes the umask gives.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path, PurePosixPath

MANIFEST = ".specfirst.json"


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
    staging = _new_folder(near.parent, f".{near.name}.staging-")
    root = staging.resolve()
    for name in sorted(files):
        target = (staging / safe_relative(name)).resolve()
        if not target.is_relative_to(root):
            raise WriteError(f"refusing to write {name!r} outside the output folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[name], encoding="utf-8", newline="\n")
    return staging


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new, uniquely named folder with the mode the umask gives (tempfile.mkdtemp's is 0700, which
    leaves a package generated as root unreadable to the user a container then runs as)."""
    while True:
        folder = parent / f"{prefix}{secrets.token_hex(6)}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder


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
            # whose fixes (merging isinstance calls, dropping stale noqa) cannot change behaviour;
            # E402 only so that RUF100 keeps the `__init__`'s noqa for it
            "I,F401,RUF022,RUF036,RUF100,SIM101,E402",
            "--fix",
            "--unsafe-fixes",
            "--exit-zero",
            "--config",
            "lint.isort.known-third-party=['specfirst_runtime']",
            str(folder),
        ],
        check=True,
    )
    subprocess.run([ruff, "format", *common, str(folder)], check=True)


def format_project(root: Path, *folders: str) -> None:
    """ruff as the project at `root` configures it (its pyproject), on `folders` of it: what `init`
    writes for the user reads as if they had written it and passes their own `make lint`."""
    from ruff.__main__ import find_ruff_bin

    ruff = os.fsdecode(find_ruff_bin())
    common = ["--no-cache", "--quiet"]
    fix = [ruff, "check", *common, "--fix", "--unsafe-fixes", "--exit-zero", *folders]
    # what is left for the user to fix (nothing, when the stubs are right) is theirs to see in `make lint`
    subprocess.run(fix, check=True, cwd=root, stdout=subprocess.DEVNULL)
    subprocess.run([ruff, "format", *common, *folders], check=True, cwd=root)


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
    """Move the staged package into `out`: a rename when `out` is new, else only what changed.

    `staging` is consumed; the manifest is written last, so an interrupted update is never up to date.
    """
    if not out.exists():
        staging.rename(out)
        return
    if not out.is_dir():
        raise WriteError(f"{out} exists and is not a folder")
    if any(out.iterdir()) and read_manifest(out) is None:
        raise WriteError(f"{out} is not empty and was not written by specfirst; refusing to replace it")
    want, have = digest_tree(staging), digest_tree(out)
    for name in sorted(want):
        if want[name] != have.get(name):
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
    for name in sorted(have.keys() - want.keys()):
        (out / name).unlink()
        _remove_empty_parents(out / name, out)
    os.replace(staging / MANIFEST, out / MANIFEST)
    shutil.rmtree(staging, ignore_errors=True)


def _remove_empty_parents(path: Path, root: Path) -> None:
    """Remove the folders left empty (but for bytecode caches) between `path` and `root`."""
    for folder in path.parents:
        if folder == root or not folder.is_relative_to(root):
            return
        if any(child.name != "__pycache__" for child in folder.iterdir()):
            return
        shutil.rmtree(folder)


def drifted(staging: Path, out: Path) -> list[str]:
    """Files that differ between what would be generated and what is there (added, changed, removed)."""
    want = digest_tree(staging)
    have = digest_tree(out) if out.is_dir() else {}
    return sorted(name for name in want.keys() | have.keys() if want.get(name) != have.get(name))
