"""Client SDKs from a contract: `generate_python_sdk(spec, out)` writes an installable Python package.

The same front half as the server (load, validate, normalise, parse into the IR, models through
datamodel-code-generator), then `render.sdk_python`, then the same atomic write: staged beside `out`,
formatted by ruff, swapped into place. `load_for_sdk` and `write_sdk` are that front half and that write,
shared with the TypeScript SDK (`sdk_typescript`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from . import ir
from .diagnostics import Diagnostic, SpecError
from .parse import parse_api
from .pipeline import Options, _located, generator_fingerprint, load_and_validate
from .render.models import render_models
from .render.sdk_python import distribution_name, models_header, package_version, render_sdk
from .write import format_python, stage, swap_into_place, write_manifest

__all__ = ["generate_python_sdk", "load_for_sdk", "render_python_sdk", "write_sdk"]

T = TypeVar("T")


def load_for_sdk(
    spec_path: Path, options: Options | None, then: Callable[[ir.Api], T]
) -> tuple[ir.Api, T, list[Diagnostic]]:
    """The contract as IR, `then(api)` (run while validation finishes), and the located warnings.

    Raises SpecError listing every problem when the contract is invalid.
    """
    spec, diagnostics, pending = load_and_validate(spec_path, options or Options())
    try:
        api = parse_api(spec.document, diagnostics, source=spec_path.as_posix(), digest=spec.digest)
        extra = then(api)
    except Exception:
        # as for generate: parsing went ahead before the schema check ended; if that check explains the
        # failure, report it rather than the crash it caused
        if pending is not None:
            pending.finish(diagnostics)
        if diagnostics.errors:
            raise SpecError(_located(spec, diagnostics)) from None
        raise
    if pending is not None:
        pending.finish(diagnostics)
    if diagnostics.errors:
        raise SpecError(_located(spec, diagnostics))
    return api, extra, _located(spec, diagnostics)


def write_sdk(files: dict[str, str], spec_path: Path, out: Path, *, ruff_format: bool) -> Path:
    """Stage `files` beside `out`, format the Python ones with ruff if asked, swap into place; `out`."""
    staging = stage(files, out)
    try:
        if ruff_format:
            format_python(staging)
        write_manifest(staging, {"generator": generator_fingerprint(), "spec": spec_path.as_posix()})
        swap_into_place(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out


def render_python_sdk(
    spec_path: Path,
    *,
    name: str | None = None,
    version: str | None = None,
    options: Options | None = None,
) -> tuple[dict[str, str], list[Diagnostic]]:
    """Every file of the SDK folder by relative path; raises SpecError listing every problem."""
    api, models, diagnostics = load_for_sdk(
        spec_path, options, lambda api: render_models(api, models_header(api))
    )
    files = render_sdk(
        api,
        models,
        distribution=distribution_name(name or api.title),
        version=package_version(version or api.version),
    )
    return files, diagnostics


def generate_python_sdk(
    spec_path: Path,
    out: Path,
    *,
    name: str | None = None,
    version: str | None = None,
    options: Options | None = None,
) -> Path:
    """Write the SDK package folder `out` (pyproject.toml, README.md, src/<package>/); returns `out`.

    `name` and `version` default to the contract's info.title and info.version (made a valid distribution
    name and PEP 440 version). `out` is replaced whole or not at all.
    """
    files, _diagnostics = render_python_sdk(spec_path, name=name, version=version, options=options)
    return write_sdk(files, spec_path, out, ruff_format=True)
