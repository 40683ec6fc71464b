"""Client SDKs from a contract: `generate_python_sdk(spec, out)` writes an installable Python package.

The same front half as the server (load, validate, normalise, parse into the IR, models through
datamodel-code-generator), then `render.sdk_python`, then the same atomic write: staged beside `out`,
formatted by ruff, swapped into place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .diagnostics import Diagnostic, SpecError
from .parse import parse_api
from .pipeline import Options, _located, generator_fingerprint, load_and_validate
from .render.models import render_models
from .render.sdk_python import distribution_name, models_header, package_version, render_sdk
from .write import format_python, stage, swap_into_place, write_manifest

__all__ = ["generate_python_sdk", "render_python_sdk"]


def render_python_sdk(
    spec_path: Path,
    *,
    name: str | None = None,
    version: str | None = None,
    options: Options | None = None,
) -> tuple[dict[str, str], list[Diagnostic]]:
    """Every file of the SDK folder by relative path; raises SpecError listing every problem."""
    spec, diagnostics, pending = load_and_validate(spec_path, options or Options())
    try:
        api = parse_api(spec.document, diagnostics, source=spec_path.as_posix(), digest=spec.digest)
        models = render_models(api, models_header(api))
    finally:
        if pending is not None:
            pending.finish(diagnostics)
    if diagnostics.errors:
        raise SpecError(_located(spec, diagnostics))
    distribution = distribution_name(name or api.title)
    files = render_sdk(
        api,
        models,
        distribution=distribution,
        version=package_version(version or api.version),
    )
    return files, _located(spec, diagnostics)


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
    staging = stage(files, out)
    try:
        format_python(staging)
        write_manifest(staging, {"generator": generator_fingerprint(), "spec": spec_path.as_posix()})
        swap_into_place(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out
