"""The generator, start to end: load -> validate -> normalise -> parse -> render -> stage (formatted).

`render_package` returns a formatted staging folder; `generate` swaps it into place, `check` compares it.
An unchanged spec (same files, same generator) makes `generate` a no-op without parsing anything.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import Diagnostic, Diagnostics, SpecError
from .loader import LoadedSpec, YamlSplit, load_spec, parse_yaml, split_root
from .normalize import is_openapi_30, normalize
from .parallel import Worker
from .parse import parse_api
from .render import server
from .render.models import render_models_for, warm_up, with_runtime_formats
from .render.server import render_init, render_server
from .runtime_requirement import RuntimeRequirement, runtime_requirement
from .validate import SchemaCheck, validate
from .write import digest_tree, format_python, read_manifest, stage, swap_into_place, write_manifest


@dataclass(frozen=True)
class Options:
    lenient: bool = False
    allow_remote_refs: bool = False


# what the server package's text does not depend on: the SDK generators, the diff, and the runtime the
# package imports (a change there needs no regeneration)
NOT_IN_FINGERPRINT = ("sdk", "diff", "render/sdk_", "templates/sdk_")


def generator_fingerprint() -> str:
    """Changes whenever the code or templates that write the server package change, so a cached output
    is never stale; changes elsewhere in codegen (SDKs, diff, runtime) leave it alone."""
    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.suffix not in (".py", ".jinja") or "__pycache__" in path.parts:
            continue
        if relative.startswith(NOT_IN_FINGERPRINT):
            continue
        digest.update(relative.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_and_validate(
    spec_path: Path, options: Options, *, split: tuple[YamlSplit, Callable[[], Any]] | None = None
) -> tuple[LoadedSpec, Diagnostics, SchemaCheck | None]:
    """Load and check the spec; the slow schema check is returned still running (see `validate`).

    `split`: the root file cut by `split_root`, its middle part parsed elsewhere (see `render_files`).
    """
    diagnostics = Diagnostics(lenient=options.lenient)
    try:
        spec = load_spec(spec_path, diagnostics, allow_remote=options.allow_remote_refs, split=split)
    except SpecError:
        raise SpecError(_located(None, diagnostics)) from None
    document = spec.document
    from_30 = is_openapi_30(document)
    pending = validate(document, diagnostics, openapi_30=True) if from_30 else None
    normalize(document, diagnostics, from_30=from_30)
    if not from_30:
        pending = validate(document, diagnostics, openapi_30=False)
    if diagnostics.errors:
        if pending is not None:
            pending.finish(diagnostics)
        raise SpecError(_located(spec, diagnostics))
    return spec, diagnostics, pending


def _located(spec: LoadedSpec | None, diagnostics: Diagnostics) -> list[Diagnostic]:
    if spec is None:
        return diagnostics.items
    return [
        d if d.location is not None else dataclasses.replace(d, location=spec.locate(d.pointer))
        for d in diagnostics.items
    ]


def shown_path(path: Path) -> str:
    """A path as generated files name it: as given when relative, relative to the current folder when
    under it, else the bare name. Never an absolute path of the machine that generated the package."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.name


def regenerate_command(spec_path: Path, out: Path, options: Options) -> str:
    """The command that writes this package again, for the header of every generated file: run from
    the folder that holds the package when the spec lies below it (a project's root), else from here."""
    flags = " --lenient" * options.lenient + " --allow-remote-refs" * options.allow_remote_refs
    return f"specfirst generate {_spec_shown(spec_path, out)} --out {_out_shown(spec_path, out)}{flags}"


def _spec_shown(spec_path: Path, out: Path) -> str:
    root = out.resolve().parent
    spec = spec_path.resolve()
    return spec.relative_to(root).as_posix() if spec.is_relative_to(root) else shown_path(spec_path)


def _out_shown(spec_path: Path, out: Path) -> str:
    in_root = spec_path.resolve().is_relative_to(out.resolve().parent)
    return out.resolve().name if in_root else shown_path(out)


def render_files(
    spec_path: Path, options: Options, out: Path
) -> tuple[LoadedSpec, dict[str, str], list[Diagnostic], RuntimeRequirement]:
    """Every generated file's text, by relative path; raises SpecError listing every problem.

    Three processes share the work on two cores: this one loads, parses and renders the server files;
    a worker forked at once imports datamodel-code-generator meanwhile and then renders the models; a
    third runs openapi-spec-validator (see `validate`).
    """
    # A process that has rendered models before (a test run, a watch loop) is warm: stay in line.
    inline = "datamodel_code_generator" in sys.modules
    # A big YAML root is parsed on both cores: the worker parses the middle part before warming up.
    cut = None if inline else split_root(spec_path)
    early = (parse_yaml, (cut.middle,)) if cut is not None else None
    models = Worker(warm_up, render_models_for, inline=inline, early=early)
    split = (cut, models.early_result) if cut is not None else None
    try:
        spec, diagnostics, pending = load_and_validate(spec_path, options, split=split)
    except BaseException:
        models.cancel()
        raise
    header_vars = {
        "source": _spec_shown(spec_path, out),
        "command": regenerate_command(spec_path, out, options),
        "generator_version": __version__,
    }
    try:
        api = parse_api(spec.document, diagnostics, source=spec_path.as_posix(), digest=spec.digest)
        header = server.environment().get_template("header.jinja").render(**header_vars)
        models.submit(api.model_schemas, header.rstrip("\n"))
        files = render_server(api, header_vars, diagnostics)
        # The schema check ends long before the models on a big spec: an error it finds stops the run
        # now, not after the models are rendered (it costs no wait otherwise: the models take longer).
        if pending is not None:
            check, pending = pending, None
            check.finish(diagnostics)
            if diagnostics.errors:
                raise SpecError(_located(spec, diagnostics))
        files["models.py"] = with_runtime_formats(models.result())
        runtime = runtime_requirement(api, files)
        files["__init__.py"] = render_init(api, header_vars, runtime)
    except SpecError:
        models.cancel()
        raise
    except Exception:
        models.cancel()
        # Parsing went ahead before the schema check ended; if that check explains the failure, say that.
        if pending is not None:
            pending.finish(diagnostics)
        if diagnostics.errors:
            raise SpecError(_located(spec, diagnostics)) from None
        raise
    if pending is not None:
        pending.finish(diagnostics)
    if diagnostics.errors:
        raise SpecError(_located(spec, diagnostics))
    return spec, files, _located(spec, diagnostics), runtime


def render_package(spec_path: Path, out: Path, options: Options) -> tuple[Path, list[Diagnostic]]:
    """Generate into a formatted staging folder beside `out`; the caller swaps or compares it."""
    spec, files, diagnostics, runtime = render_files(spec_path, options, out)
    staging = stage(files, out)
    try:
        format_python(staging)
        write_manifest(staging, {**_manifest(spec, spec_path), "runtime": str(runtime)})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging, diagnostics


def _manifest(spec: LoadedSpec, spec_path: Path) -> dict[str, object]:
    base = spec.root.resolve().parent
    return {
        "generator": generator_fingerprint(),
        "spec": spec_path.as_posix(),
        "spec_digest": "remote" if spec.has_remote else spec.digest,
        "spec_files": sorted(p.relative_to(base).as_posix() for p in spec.files if p.is_relative_to(base)),
    }


def up_to_date(spec_path: Path, out: Path) -> bool:
    """True when `out` was generated from these very spec files by this very generator, untouched."""
    manifest = read_manifest(out)
    if manifest is None or manifest.get("generator") != generator_fingerprint():
        return False
    if manifest.get("spec") != spec_path.as_posix():
        return False
    files = manifest.get("spec_files")
    if not isinstance(files, list):
        return False
    base = spec_path.resolve().parent
    digest = hashlib.sha256()
    try:
        for name in sorted(files):
            digest.update(str(name).encode())
            digest.update((base / str(name)).read_text(encoding="utf-8").encode())
    except OSError:
        return False
    if digest.hexdigest() != manifest.get("spec_digest"):
        return False
    return digest_tree(out) == manifest.get("files")


def generate(
    spec_path: Path, out: Path, options: Options, *, force: bool = False
) -> tuple[bool, list[Diagnostic]]:
    """Write the package to `out`. Returns (changed, diagnostics); raises SpecError on an invalid spec."""
    if not force and up_to_date(spec_path, out):
        return False, []
    staging, diagnostics = render_package(spec_path, out, options)
    try:
        swap_into_place(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return True, diagnostics
