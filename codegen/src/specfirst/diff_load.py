"""The two sides of `diff`: a spec file, or `GIT_REF:path` (the spec as it was at a commit).

Each side is loaded, bundled and normalised by the generator's own loader, and checked by its own rules
(refs resolve, unique operationIds, declared path parameters, defaults), so the diff compares what the
generator would build. openapi-spec-validator's full check is left to `--strict`: it costs about a second
per side on a large spec, and both sides normally passed it already (OLD when it was merged, NEW in the
same CI run's `check`).

A git side is materialised by extracting every file under the spec's folder at that commit into a
temporary folder (refs may not leave the spec's folder, so that is all a multi-file spec can need).
Locations in it read `REF:path:LINE`, the way git itself names a file at a commit.
"""

from __future__ import annotations

import dataclasses
import posixpath
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, Diagnostics, SpecError
from .diff import Change
from .loader import LoadedSpec, load_spec
from .normalize import is_openapi_30, normalize
from .parallel import ChildFailed, Pending
from .pipeline import Options, load_and_validate
from .validate import check_defaults, check_operations, check_refs


class SourceError(Exception):
    """A side that cannot even be read as a spec: an unknown revision, a file not in that commit."""


@dataclass(frozen=True)
class Failure:
    """Why one side cannot be diffed, as data (it crosses the pipe from a forked process intact)."""

    label: str
    diagnostics: tuple[Diagnostic, ...] = ()
    message: str | None = None  # a problem before any spec could be read (git, for one)

    def lines(self) -> list[str]:
        lines = [d.render() for d in self.diagnostics]
        if self.message is not None:
            return [*lines, f"error: {self.message}"]
        errors = sum(1 for d in self.diagnostics if d.severity == "error")
        return [*lines, f"{self.label}: {errors} error(s)"]


class LoadError(Exception):
    """One side or both cannot be diffed; carries every problem found, located where possible."""

    def __init__(self, failures: list[Failure]) -> None:
        self.failures = failures
        super().__init__("\n".join(line for f in failures for line in f.lines()))


@dataclass(frozen=True)
class Source:
    """One loaded side and how to name places in it."""

    label: str  # as the user wrote it
    spec: LoadedSpec
    warnings: tuple[Diagnostic, ...] = ()
    git_ref: str | None = None
    git_root: Path | None = None  # the (now removed) folder the commit's files were extracted into

    def where(self, pointer: str) -> str:
        """`FILE:LINE` of a pointer of the bundled document, in the file the text came from."""
        path, _ = self.spec.source_map.origin(pointer)
        location = self.spec.locate(pointer)
        if self.git_root is not None and path.is_relative_to(self.git_root):
            return f"{self.git_ref}:{path.relative_to(self.git_root).as_posix()}:{location.line}"
        return f"{location.file}:{location.line}"


def load_pair(old: str, new: str, options: Options, *, strict: bool = False) -> tuple[Source, Source]:
    """Both sides, or LoadError with the problems of both. Without `--strict`, OLD loads in a forked
    process meanwhile (it halves the wait on a large spec); `--strict` runs the generator's own
    validation, which forks for itself, and a forked process may not fork again."""
    pending = None if strict else Pending(_load_or_failure, old, options, False)
    after = _load_or_failure(new, options, strict)
    if pending is None:
        before = _load_or_failure(old, options, strict)
    else:
        try:
            before = pending.result()
        except ChildFailed:
            before = _load_or_failure(old, options, strict)  # again here, for a real traceback
    if isinstance(before, Source) and isinstance(after, Source):
        return before, after
    raise LoadError([side for side in (before, after) if isinstance(side, Failure)])


def load_source(text: str, options: Options, *, strict: bool = False) -> Source:
    """Load one side; raises LoadError carrying its located problems."""
    git = split_git_source(text)
    try:
        if git is None:
            spec, warnings = _load(Path(text), options, strict=strict)
            return Source(text, spec, warnings)
        ref, path = git
        with tempfile.TemporaryDirectory(prefix="codegen-diff-") as folder:
            root = Path(folder).resolve()
            try:
                spec, warnings = _load(materialise(ref, path, root), options, strict=strict)
            except SpecError as exc:
                raise SpecError([_in_commit(d, root, ref) for d in exc.diagnostics]) from None
            warnings = tuple(_in_commit(d, root, ref) for d in warnings)
        return Source(text, spec, warnings, ref, root)
    except SpecError as exc:
        raise LoadError([Failure(text, tuple(exc.diagnostics))]) from None
    except SourceError as exc:
        raise LoadError([Failure(text, message=str(exc))]) from None


def split_git_source(text: str) -> tuple[str, str] | None:
    """`REF:path` -> (REF, path); None for a plain path (an existing file always wins)."""
    if ":" not in text or Path(text).exists():
        return None
    ref, _, path = text.partition(":")
    return (ref, path) if ref and path else None


def locate(changes: list[Change], old: Source, new: Source) -> list[Change]:
    """Fill in `FILE:LINE` for each change, in NEW or, for removals, in OLD."""
    return [
        dataclasses.replace(c, location=(old if c.side == "old" else new).where(c.pointer)) for c in changes
    ]


def _load(path: Path, options: Options, *, strict: bool) -> tuple[LoadedSpec, tuple[Diagnostic, ...]]:
    if strict:
        spec, diagnostics, pending = load_and_validate(path, options)
        if pending is not None:
            pending.finish(diagnostics)
    else:
        spec, diagnostics = _load_with_own_rules(path, options)
    located = [
        d if d.location is not None else dataclasses.replace(d, location=spec.locate(d.pointer))
        for d in diagnostics.items
    ]
    if diagnostics.errors:
        raise SpecError(located)
    return spec, tuple(located)


def _load_with_own_rules(path: Path, options: Options) -> tuple[LoadedSpec, Diagnostics]:
    """`pipeline.load_and_validate` without openapi-spec-validator: the same loader, the same rules in
    the same order around normalisation (3.0 is checked before it is rewritten, 3.1 after)."""
    diagnostics = Diagnostics(lenient=options.lenient)
    spec = load_spec(path, diagnostics, allow_remote=options.allow_remote_refs)
    from_30 = is_openapi_30(spec.document)
    if from_30:
        _own_rules(spec, diagnostics)
    normalize(spec.document, diagnostics, from_30=from_30)
    if not from_30:
        _own_rules(spec, diagnostics)
    return spec, diagnostics


def _own_rules(spec: LoadedSpec, diagnostics: Diagnostics) -> None:
    check_refs(spec.document, diagnostics)
    check_operations(spec.document, diagnostics)
    check_defaults(spec.document, diagnostics)


def _load_or_failure(text: str, options: Options, strict: bool) -> Source | Failure:
    try:
        return load_source(text, options, strict=strict)
    except LoadError as exc:
        return exc.failures[0]


def _in_commit(diagnostic: Diagnostic, root: Path, ref: str) -> Diagnostic:
    """Name a file of the extracted commit as git does (`REF:path`), not by its temporary folder."""
    location = diagnostic.location
    if location is None:
        return diagnostic
    path = (Path.cwd() / location.file).resolve()
    if not path.is_relative_to(root):
        return diagnostic
    named = Path(f"{ref}:{path.relative_to(root).as_posix()}")
    return dataclasses.replace(diagnostic, location=dataclasses.replace(location, file=named))


# --- git ------------------------------------------------------------------------------------------------


def materialise(ref: str, path: str, into: Path) -> Path:
    """Write every file under `path`'s folder at `ref` into `into`; returns the spec's path there.

    `path` is relative to the repository's top, as in `git show REF:path` (`./` makes it relative to
    the current folder, as git does too).
    """
    full = _repository_path(path)
    _git(
        "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", what=f"revision {ref!r}"
    )
    folder = posixpath.dirname(full)
    listing = _git("ls-tree", "-r", "-z", "--full-tree", ref, "--", *([folder] if folder else []), what=ref)
    blobs: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_name = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        if kind == "blob" and mode != "120000":  # symlinks could point anywhere: not followed
            blobs[raw_name.decode("utf-8", "surrogateescape")] = oid
    if full not in blobs:
        raise SourceError(f"{ref}:{full}: no such file at that revision")
    for file, content in zip(blobs, _read_blobs(list(blobs.values())), strict=True):
        target = (into / file).resolve()
        if not target.is_relative_to(into):
            raise SourceError(f"{ref}:{file}: refusing a path outside the extraction folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return into / full


def merge_base_with(ref: str) -> str:
    """The commit where HEAD's branch left `ref`: what a pull request into `ref` is compared with."""
    return _git("merge-base", "HEAD", ref, what=f"the merge base of HEAD and {ref!r}").decode().strip()


def exists_at(commit: str, path: str) -> bool:
    """`path` (from the repository's top, or `./`-relative) is a file at `commit`."""
    try:
        _git("cat-file", "-e", f"{commit}:{_repository_path(path)}", what=path)
    except SourceError:
        return False
    return True


def _repository_path(path: str) -> str:
    if path.startswith(("./", "../")):
        prefix = _git("rev-parse", "--show-prefix", what="the current folder").decode().strip()
        path = prefix + path
    full = posixpath.normpath(path)
    if full.startswith("../") or full == "..":
        raise SourceError(f"{path}: outside the repository")
    return full


def _read_blobs(oids: list[str]) -> list[bytes]:
    """Every blob through one `git cat-file --batch`: one process, not one per file."""
    output = _git("cat-file", "--batch", what="files", stdin="".join(f"{oid}\n" for oid in oids).encode())
    contents, at = [], 0
    for _ in oids:
        end = output.index(b"\n", at)
        size = int(output[at:end].split()[2])
        contents.append(output[end + 1 : end + 1 + size])
        at = end + 1 + size + 1  # the content is followed by a newline
    return contents


def _git(*args: str, what: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise SourceError(f"cannot run git: {exc}") from None
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise SourceError(f"git cannot read {what}" + (f": {detail[-1]}" if detail else ""))
    return result.stdout
