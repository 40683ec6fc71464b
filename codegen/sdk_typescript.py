"""The TypeScript SDK: `generate_typescript_sdk(spec, out)` writes an npm package (ESM, no dependencies).

The same front half as the Python SDK (load, validate, normalise, parse into the IR), then
`render.sdk_typescript`, then the same atomic write: staged beside `out`, swapped into place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .diagnostics import Diagnostic, SpecError
from .parse import parse_api
from .pipeline import Options, _located, generator_fingerprint, load_and_validate
from .render.sdk_typescript import npm_package_name, npm_version, render_sdk
from .write import stage, swap_into_place, write_manifest

__all__ = ["generate_typescript_sdk", "render_typescript_sdk"]


def render_typescript_sdk(
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
    finally:
        if pending is not None:
            pending.finish(diagnostics)
    if diagnostics.errors:
        raise SpecError(_located(spec, diagnostics))
    files = render_sdk(
        api,
        package=npm_package_name(name or api.title),
        version=npm_version(version or api.version),
    )
    return files, _located(spec, diagnostics)


def generate_typescript_sdk(
    spec_path: Path,
    out: Path,
    *,
    name: str | None = None,
    version: str | None = None,
    options: Options | None = None,
) -> Path:
    """Write the SDK package folder `out` (package.json, tsconfig.json, README.md, src/); returns `out`.

    `name` and `version` default to the contract's info.title (made a valid npm name) and info.version
    (made semver, else 0.0.0). `out` is replaced whole or not at all. Build it with `npm run build`.
    """
    files, _diagnostics = render_typescript_sdk(spec_path, name=name, version=version, options=options)
    staging = stage(files, out)
    try:
        write_manifest(staging, {"generator": generator_fingerprint(), "spec": spec_path.as_posix()})
        swap_into_place(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out
