"""The TypeScript SDK end to end: generated from spec/openapi.yaml, compiled with `tsc --strict`, packed with
`npm pack`, installed from the tarball and driven through every operation of the real example service.

TypeScript itself comes from tests/sdk/ts/package.json, installed once into .bench/ts-cache (git-ignored)
and reused; the generated package has no runtime dependencies, so nothing else is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from specfirst.sdk_typescript import generate_typescript_sdk
from tests.sdk.conftest import API_KEY, ROOT, SPEC

TS_DIR = Path(__file__).resolve().parent / "ts"
CACHE = ROOT / ".bench" / "ts-cache"
PACKAGE = "item-store-api"

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")


def run(args: list[str | Path], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def install_typescript() -> Path:
    """The pinned TypeScript compiler (`tsc`), installed once into .bench/ts-cache; its package sits in
    .bench/ts-cache/node_modules/typescript. Also used by tests/codegen/test_hostile.py."""
    manifest = (TS_DIR / "package.json").read_text(encoding="utf-8")
    CACHE.mkdir(parents=True, exist_ok=True)
    binary = CACHE / "node_modules" / ".bin" / "tsc"
    if not binary.exists() or (CACHE / "package.json").read_text(encoding="utf-8") != manifest:
        (CACHE / "package.json").write_text(manifest, encoding="utf-8")
        run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], CACHE, timeout=300)
    return binary


@pytest.fixture(scope="session")
def tsc() -> Path:
    return install_typescript()


@pytest.fixture(scope="session")
def ts_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_typescript_sdk(SPEC, tmp_path_factory.mktemp("ts-sdk") / PACKAGE)


def test_package_shape(ts_sdk: Path) -> None:
    manifest = json.loads((ts_sdk / "package.json").read_text(encoding="utf-8"))
    assert manifest["name"] == PACKAGE and manifest["type"] == "module"
    assert "dependencies" not in manifest
    config = json.loads((ts_sdk / "tsconfig.json").read_text(encoding="utf-8"))["compilerOptions"]
    assert config["strict"] is True and config["noUncheckedIndexedAccess"] is True
    # every shared spec's SDK compiles under these (test_every_shared_spec_compiles_with_tsc_strict)
    assert config["exactOptionalPropertyTypes"] is True and config["noUnusedLocals"] is True
    assert manifest["license"] == "MIT"  # the contract's info.license.identifier


def installed_project(
    ts_sdk: Path, tsc: Path, tmp_path: Path, scripts: list[str], timings: dict[str, float] | None = None
) -> Path:
    """The SDK compiled, packed, and installed from its tarball into a fresh project with `scripts`
    (from tests/sdk/ts) compiled beside it under tsc --strict; the project folder."""
    timings = {} if timings is None else timings
    start = time.monotonic()
    run([tsc, "-p", ts_sdk / "tsconfig.json"], ts_sdk)
    timings["tsc"] = time.monotonic() - start

    start = time.monotonic()
    packed = run(["npm", "pack", "--json", "--pack-destination", tmp_path], ts_sdk)
    (info,) = json.loads(packed.stdout)
    tarball = tmp_path / info["filename"]
    names = {f["path"] for f in info["files"]}
    assert {"dist/index.js", "dist/index.d.ts", "package.json"} <= names
    timings["pack"] = time.monotonic() - start

    # install the tarball as npm would (no dependencies to fetch): unpack into node_modules/<name>
    project = tmp_path / "project"
    target = project / "node_modules" / PACKAGE
    target.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith("package/"):
                source = archive.extractfile(member)
                assert source is not None
                destination = target / member.name.removeprefix("package/")
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(source.read())
    (project / "package.json").write_text('{"private": true, "type": "module"}\n', encoding="utf-8")
    for script in scripts:
        shutil.copy(TS_DIR / script, project / script)
    (project / "tsconfig.json").write_text(
        json.dumps(
            {
                "compilerOptions": {
                    "target": "ES2022",
                    "module": "NodeNext",
                    "moduleResolution": "NodeNext",
                    "lib": ["ES2022", "DOM", "DOM.Iterable"],
                    "strict": True,
                    "noUncheckedIndexedAccess": True,
                    "skipLibCheck": False,
                    "outDir": ".",
                },
                "files": scripts,
            }
        ),
        encoding="utf-8",
    )
    start = time.monotonic()
    run([tsc, "-p", project / "tsconfig.json"], project)
    timings["tsc drive"] = time.monotonic() - start
    return project


def test_typescript_sdk_end_to_end(ts_sdk: Path, tsc: Path, service: str, tmp_path: Path) -> None:
    timings: dict[str, float] = {}
    project = installed_project(ts_sdk, tsc, tmp_path, ["drive.ts", "retries.ts"], timings)

    start = time.monotonic()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NODE_")}
    done = subprocess.run(
        ["node", "drive.js", service, API_KEY],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    timings["node drive"] = time.monotonic() - start
    print(done.stdout)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "all operations passed" in done.stdout

    start = time.monotonic()
    done = subprocess.run(
        ["node", "retries.js"], cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    timings["node retries"] = time.monotonic() - start
    print(done.stdout)
    print("timings:", {k: round(v, 2) for k, v in timings.items()})
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "all retry checks passed" in done.stdout


def test_strings_from_the_spec_cannot_break_out() -> None:
    from specfirst.render.sdk_typescript import ts_comment, ts_string

    hostile = 'a"b\\c\n</script>\u2028\u2029`${x}`\ud800'
    literal = ts_string(hostile)
    assert json.loads(literal) == hostile
    for bad in ("\n", "\u2028", "\u2029", "</", "\ud800"):
        assert bad not in literal
    comment = ts_comment("end */ here\n*/ again\u2028 **/")
    assert "*/" not in comment and "\n" not in comment and "\u2028" not in comment


# A contract whose schemas reach themselves: through a map, a pair of maps, an array, a union, an
# intersection, and one that never bottoms out (Loop1 -> Loop2 -> Loop1 through unions alone).
RECURSIVE_SPEC = """\
openapi: 3.1.0
info: {title: Recursive, version: 1.0.0}
paths:
  /holder:
    get:
      operationId: getHolder
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Holder"}}}
components:
  schemas:
    Map: {type: object, additionalProperties: {$ref: "#/components/schemas/Map"}}
    MapA: {type: object, additionalProperties: {$ref: "#/components/schemas/MapB"}}
    MapB: {type: object, additionalProperties: {$ref: "#/components/schemas/MapA"}}
    NullableMap: {type: [object, "null"], additionalProperties: {$ref: "#/components/schemas/NullableMap"}}
    Tree: {type: array, items: {$ref: "#/components/schemas/Tree"}}
    Json:
      oneOf:
        - {type: string}
        - {type: array, items: {$ref: "#/components/schemas/Json"}}
        - {type: object, additionalProperties: {$ref: "#/components/schemas/Json"}}
    Loop1: {oneOf: [{type: string}, {$ref: "#/components/schemas/Loop2"}]}
    Loop2: {anyOf: [{type: integer}, {$ref: "#/components/schemas/Loop1"}]}
    Base: {type: object, properties: {id: {type: string}}}
    Node:
      allOf:
        - {$ref: "#/components/schemas/Base"}
        - type: object
          properties:
            children: {type: object, additionalProperties: {$ref: "#/components/schemas/Node"}}
    Holder:
      type: object
      properties:
        map: {$ref: "#/components/schemas/Map"}
        pair: {$ref: "#/components/schemas/MapA"}
        nullable: {$ref: "#/components/schemas/NullableMap"}
        tree: {$ref: "#/components/schemas/Tree"}
        json: {$ref: "#/components/schemas/Json"}
        loop: {$ref: "#/components/schemas/Loop1"}
        node: {$ref: "#/components/schemas/Node"}
"""

# Holder.json must stay precisely typed (a string is accepted, a number is not), and a recursive map
# must be indexable to any depth: these lines are compiled with the generated models.
RECURSIVE_USE = """\
import type { Holder, Map2, MapA } from "./src/models.js";
export const holder: Holder = {
  json: ["a", { b: ["c"] }], map: { x: { y: {} } }, node: { id: "n", children: { m: { id: "m" } } },
};
// @ts-expect-error: a number is no Json
export const wrong: Holder = { json: 1 };
export function deep(map: Map2, pair: MapA): number {
  return Object.keys(map["a"]?.["b"]?.["c"] ?? {}).length + Object.keys(pair["a"]?.["b"] ?? {}).length;
}
"""


def test_every_shared_spec_compiles_with_tsc_strict(tsc: Path, tmp_path: Path) -> None:
    """The SDK of every spec in ../shared/specs (and a contract of recursive schemas), in one tsc run."""
    from specfirst.pipeline import Options
    from tests.codegen.test_shared_specs import LENIENT, SPECS

    recursive = tmp_path / "recursive.yaml"
    recursive.write_text(RECURSIVE_SPEC, encoding="utf-8")
    folders = []
    for spec in [*SPECS, recursive]:
        label = spec.parent.name if spec.stem == "openapi" else spec.stem
        options = Options(lenient=spec.name in LENIENT)
        folders.append(generate_typescript_sdk(spec, tmp_path / "sdks" / label, options=options))
    configs = {(folder / "tsconfig.json").read_text(encoding="utf-8") for folder in folders}
    assert len(configs) == 1  # every package builds with the same options: check them all under those
    options = json.loads(configs.pop())["compilerOptions"]
    assert options["strict"] is True
    for key in ("rootDir", "outDir", "declaration", "sourceMap"):
        options.pop(key, None)
    (tmp_path / "sdks" / "recursive" / "use.ts").write_text(RECURSIVE_USE, encoding="utf-8")
    (tmp_path / "tsconfig.json").write_text(
        json.dumps(
            {
                "compilerOptions": {**options, "noEmit": True},
                "include": [f"sdks/{folder.name}/src" for folder in folders] + ["sdks/recursive/use.ts"],
            }
        ),
        encoding="utf-8",
    )
    start = time.monotonic()
    run([tsc, "-p", tmp_path / "tsconfig.json"], tmp_path, timeout=180)
    print(f"tsc over {len(folders)} SDKs: {time.monotonic() - start:.1f} s")

    models = (tmp_path / "sdks" / "recursive" / "src" / "models.ts").read_text(encoding="utf-8")
    assert "export interface Map2 {\n  [key: string]: Map2;\n}" in models
    assert "export type Json = string | Array<Json> | ({ [key: string]: Json });" in models
    assert "export type Loop1 = unknown;" in models and "export type Loop2 = unknown;" in models
