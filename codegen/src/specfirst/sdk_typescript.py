"""The TypeScript SDK: `generate_typescript_sdk(spec, out)` writes an npm package (ESM, no dependencies).

The same front half as the Python SDK (load, validate, normalise, parse into the IR), then
`render.sdk_typescript`, then the same atomic write: staged beside `out`, swapped into place (both from
`sdk`).
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Diagnostic
from .pipeline import Options
from .render.sdk_typescript import npm_package_name, npm_version, render_sdk
from .sdk import load_for_sdk, write_sdk

__all__ = ["generate_typescript_sdk", "render_typescript_sdk"]


def render_typescript_sdk(
    spec_path: Path,
    *,
    name: str | None = None,
    version: str | None = None,
    options: Options | None = None,
) -> tuple[dict[str, str], list[Diagnostic]]:
    """Every file of the SDK folder by relative path; raises SpecError listing every problem."""
    api, _nothing, diagnostics = load_for_sdk(spec_path, options, lambda api: None)
    files = render_sdk(
        api,
        package=npm_package_name(name or api.title),
        version=npm_version(version or api.version),
    )
    return files, diagnostics


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
    return write_sdk(files, spec_path, out, ruff_format=False)
