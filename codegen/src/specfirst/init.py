"""`specfirst init [DIR] [--spec SPEC]`: a new project, ready for `make run` and `make test`.

It writes the contract (a small realistic one, or a copy of the given one with the files it refers
to), generates the server package, and writes what the user owns from then on: `app/` with one handler
class per tag whose every method is a clearly marked stub answering the contract's example, stub
verifiers for the security schemes, the contract tests, a Makefile, a pyproject depending on the
runtime (the generator as a dev tool), `.gitignore` and a README. Nothing but `generated/` is ever
written again by the generator.
"""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from . import __version__, ir
from .diagnostics import Diagnostic, Diagnostics, SpecError
from .literals import comment, docstring, py_literal
from .loader import LoadedSpec, load_spec
from .mock_data import Builder, example
from .parse import parse_api
from .pipeline import Options, generate, load_and_validate
from .render.server import handler_tags
from .write import format_project, read_manifest


class InitError(Exception):
    """The project cannot be written where asked."""


@dataclass(frozen=True)
class Stub:
    """One handler method of a stub class: its signature and the body that answers the example."""

    name: str
    operation_id: str
    summary: str
    arguments: list[Any]
    returns: str
    lines: list[str]  # the body, one statement per line, indented by the template


def init_project(
    target: Path, spec: Path | None, *, force: bool = False, lenient: bool = False
) -> list[Diagnostic]:
    """Write a new project into `target`; raises InitError or SpecError (nothing written then)."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())) and not force:
        raise InitError(f"{target} is not empty; pass --force to write into it anyway")
    options = Options(lenient=lenient)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    spec_dir = target / "spec"
    spec_path = spec_dir / "openapi.yaml"
    copies: dict[Path, Path] = {}
    try:
        spec_dir.mkdir(exist_ok=True)
        if spec is None:
            template = resources.files("specfirst") / "templates" / "project" / "openapi.yaml"
            spec_path.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
        else:
            try:
                copies = _copy_spec(load_spec(spec, Diagnostics(lenient=lenient)), spec, spec_dir)
            except SpecError:  # generate() below reports it, located
                shutil.copyfile(spec, spec_path)
                copies = {spec_path.resolve(): spec}
        _, diagnostics = generate(spec_path, target / "generated", options, force=True)
    except SpecError as exc:
        shutil.rmtree(target if created else spec_dir, ignore_errors=True)
        raise SpecError([_in_original(d, copies) for d in exc.diagnostics]) from None
    except BaseException:
        shutil.rmtree(target if created else spec_dir, ignore_errors=True)
        raise
    diagnostics = [_in_original(d, copies) for d in diagnostics]
    manifest = read_manifest(target / "generated") or {}
    loaded, checked, pending = load_and_validate(spec_path, options)
    if pending is not None:
        pending.finish(checked)
    api = parse_api(loaded.document, checked, source="spec/openapi.yaml", digest=loaded.digest)
    builder = Builder(loaded.document)  # the values mock mode serves: examples first, checked valid
    _write_project(target, api, builder, str(manifest.get("runtime", "specfirst-runtime")), lenient)
    return diagnostics


def _in_original(diagnostic: Diagnostic, copies: dict[Path, Path]) -> Diagnostic:
    """A finding in a copied file, told at the user's own file."""
    location = diagnostic.location
    if location is None or location.file.resolve() not in copies:
        return diagnostic
    moved = dataclasses.replace(location, file=copies[location.file.resolve()])
    return dataclasses.replace(diagnostic, location=moved)


def _copy_spec(loaded: LoadedSpec, given: Path, spec_dir: Path) -> dict[Path, Path]:
    """The root file as `spec/openapi.yaml`, with the files it refers to beside it: copy -> original."""
    copies = {}
    base = loaded.root.resolve().parent
    for path in sorted(loaded.files):
        path = path.resolve()
        if not path.is_relative_to(base):
            raise InitError(f"{path} is outside {base}: copy the spec's files into one folder first")
        relative = path.relative_to(base)
        target = spec_dir / ("openapi.yaml" if path == loaded.root.resolve() else relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copies[target.resolve()] = given if path == loaded.root.resolve() else given.parent / relative
    return copies


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("specfirst", "templates/project"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["lit"] = py_literal
    env.filters["doc"] = lambda text, indent="    ": docstring(str(text), indent=indent)
    env.filters["comment"] = comment
    env.filters["wrap_doc"] = lambda text: f'"""{text}"""'
    return env


def _write_project(target: Path, api: ir.Api, builder: Builder, runtime: str, lenient: bool) -> None:
    tags, _, _ = handler_tags(api)
    for tag in tags:
        stem = tag["class_name"].removesuffix("Handlers")
        tag["impl_name"] = stem if stem and stem != tag["class_name"] else f"{tag['class_name']}Impl"
    env = _environment()
    context = {
        "title": api.title,
        "version": api.version,
        "tags": tags,
        "schemes": api.security_schemes,
        "runtime": runtime,
        "generator": f"specfirst=={__version__}",
        "lenient": lenient,
        "project": _project_name(target),
    }
    files: dict[str, str] = {
        "app/__init__.py": '"""The service: hand-written, never touched by the generator."""\n',
        "app/__main__.py": env.get_template("app_main.py.jinja").render(**context),
        "app/main.py": env.get_template("main.py.jinja").render(**context),
        "app/security.py": env.get_template("security.py.jinja").render(**context),
        "app/stubs.py": env.get_template("stubs.py.jinja").render(**context),
        "app/handlers/__init__.py": '"""One class per tag, implementing its handler interface."""\n',
        "tests/__init__.py": "",
        "tests/test_contract.py": env.get_template("test_contract.py.jinja").render(**context),
        "tests/contract.py": env.get_template("contract.py.jinja").render(**context),
        "Makefile": env.get_template("Makefile.jinja").render(**context),
        "pyproject.toml": env.get_template("pyproject.toml.jinja").render(**context),
        ".gitignore": env.get_template("gitignore.jinja").render(**context),
        "README.md": env.get_template("README.md.jinja").render(**context),
    }
    for tag in tags:
        stubs = [_stub(op, builder) for op in tag["operations"]]
        files[f"app/handlers/{tag['py_name']}.py"] = env.get_template("handler.py.jinja").render(
            tag=tag, stubs=stubs, imports=_stub_imports(tag), **context
        )
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    format_project(target, "app", "tests")


def _project_name(target: Path) -> str:
    name = "".join(c if c.isalnum() else "-" for c in target.resolve().name.lower()).strip("-")
    return name or "service"


def _stub_imports(tag: dict[str, Any]) -> list[str]:
    """The import lines the stub class's signatures need (ruff drops any left unused)."""
    types: list[ir.TypeExpr] = []
    results = False
    for method in tag["operations"]:
        op: ir.Operation = method["operation"]
        types.extend(p.type for p in op.parameters)
        contents = [
            *(op.body.contents if op.body else ()),
            *(c for r in op.success_responses for c in r.contents),
        ]
        types.extend(c.hint for c in contents if c.hint is not None)
        results = results or not op.plain_return
    lines = sorted({line for tp in types for line in tp.imports})
    models = sorted({name for tp in types for name in tp.models})
    if results:
        lines.append("from generated import responses")
    if models:
        lines.append(f"from generated.models import {', '.join(models)}")
    return lines


def _stub(method: dict[str, Any], builder: Builder) -> Stub:
    op: ir.Operation = method["operation"]
    lines = _stub_body(op, builder)
    return Stub(
        name=method["name"],
        operation_id=op.operation_id,
        summary=op.summary,
        arguments=method["arguments"],
        returns=method["returns"],
        lines=lines,
    )


def _stub_body(op: ir.Operation, builder: Builder) -> list[str]:
    """The statements of a stub: build the first success response from the contract's example."""
    success = op.success_responses
    if not success:
        return ["return None"]
    response = success[0]
    content = response.primary
    operation = builder.source["paths"][op.path][op.method.lower()]
    lines: list[str] = []
    body: str | None = None
    if content is None or content.kind is ir.BodyKind.EMPTY:
        pass
    elif content.kind is ir.BodyKind.JSON and content.hint is not None:
        value = py_literal(_response_example(builder, operation, response.status, content.media_type))
        if " | " in content.hint.text:  # a union is no `type[T]`: the annotation types the value
            lines.append(f"answer: {content.hint.text} = example({content.hint.text}, {value})")
            body = "answer"
        else:
            body = f"example({content.hint.text}, {value})"
    elif content.kind is ir.BodyKind.TEXT:
        value = _response_example(builder, operation, response.status, content.media_type)
        body = py_literal(value if isinstance(value, str) else "")
    else:  # files, streams: nothing sensible to make up
        return [f"raise NotImplementedError({op.operation_id!r})"]
    if op.plain_return:
        return [*lines, f"return {body}"]
    fields = [] if body is None else [f"body={body}"]
    declared = _declared_headers(builder, operation, response.status)
    for header in response.headers:
        if header.required:
            schema = declared.get(header.name.lower(), {}).get("schema", {"type": "string"})
            fields.append(f"{header.py_name}={py_literal(builder.sample(schema))}")
    return [*lines, f"return responses.{response.class_name}({', '.join(fields)})"]


def _declared_headers(builder: Builder, operation: dict[str, Any], status: str) -> dict[str, Any]:
    response, _ = builder.resolve(operation.get("responses", {}).get(status, {}), source=True)
    headers = response.get("headers") or {} if isinstance(response, dict) else {}
    return {name.lower(): builder.resolve(header, source=True)[0] for name, header in headers.items()}


def _response_example(builder: Builder, operation: dict[str, Any], status: str, media_type: str) -> Any:
    response, _ = builder.resolve((operation.get("responses") or {}).get(status) or {}, source=True)
    media = ((response.get("content") or {}) if isinstance(response, dict) else {}).get(media_type) or {}
    return example(builder, media, media.get("schema", {}))[0]


__all__ = ["InitError", "SpecError", "init_project"]
