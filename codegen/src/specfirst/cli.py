"""Command line: `specfirst generate|check|check-impl|dev|sdk|mock|diff|init` (also `python -m specfirst`).

Exit codes: 0 ok, 1 `check` found drift, 2 invalid spec or usage, 3 a bug in specfirst itself.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import Diagnostic, SpecError
from .pipeline import Options, generate, regenerate_command, render_package
from .write import WriteError, drifted

EXIT_OK, EXIT_DRIFT, EXIT_INVALID, EXIT_BUG = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="specfirst",
        description=(
            "Contract-first APIs: compile an OpenAPI 3.1 (or 3.0) contract into a typed FastAPI server "
            "package, client SDKs, a mock server and a breaking-change report."
        ),
        epilog=(
            "Start a project with `specfirst init my-service`; `specfirst COMMAND --help` shows an example "
            "of each command. Exit codes: 0 ok, 1 drift (check) or a change at or above --fail-on (diff), "
            "2 invalid spec or usage, 3 a bug in specfirst."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, summary, out_help, example in (
        (
            "generate",
            "write the package for SPEC into --out (a no-op when nothing changed)",
            "the package folder to write; its name is the package name",
            "specfirst generate spec/openapi.yaml --out generated",
        ),
        (
            "check",
            "exit 1 and list stale files when --out differs from what SPEC generates; writes nothing",
            "the generated package folder to compare with what SPEC generates",
            "specfirst check spec/openapi.yaml --out generated   # in CI: fails when generated/ is stale",
        ),
    ):
        sub = commands.add_parser(name, help=summary, description=summary, epilog=f"Example: {example}")
        sub.add_argument("spec", type=Path, metavar="SPEC", help="the OpenAPI document (YAML or JSON)")
        sub.add_argument("--out", type=Path, required=True, metavar="DIR", help=out_help)
        sub.add_argument(
            "--lenient",
            action="store_true",
            help="turn recoverable spec errors (3.0 syntax in 3.1, bad defaults, unknown keys) into warnings",
        )
        sub.add_argument(
            "--allow-remote-refs",
            action="store_true",
            help="allow $refs to http(s) URLs (refused by default)",
        )
        if name == "generate":
            sub.add_argument("--force", action="store_true", help="regenerate even if nothing changed")
    sdk = commands.add_parser(
        "sdk",
        help="write a typed client package for SPEC into --out (Python by default, or TypeScript)",
        description="Write an installable SDK: Python (Client, AsyncClient) or TypeScript (fetch, no deps).",
        epilog="Example: specfirst sdk spec/openapi.yaml --lang typescript --out sdk/typescript",
    )
    sdk.add_argument(
        "--lang",
        choices=("python", "typescript"),
        default="python",
        help="the SDK's language (default python)",
    )
    sdk.add_argument("spec", type=Path, metavar="SPEC", help="the OpenAPI document (YAML or JSON)")
    sdk.add_argument("--out", type=Path, required=True, metavar="DIR", help="the SDK project folder")
    sdk.add_argument("--name", help="distribution name (default: from info.title)")
    sdk.add_argument("--version", help="package version (default: info.version)")
    sdk.add_argument("--lenient", action="store_true", help="as for generate")
    sdk.add_argument("--allow-remote-refs", action="store_true", help="as for generate")
    dev = commands.add_parser(
        "dev",
        help="serve --app with reload; an edit of SPEC regenerates --out, an edit of the code reloads",
        description=(
            "Generate, then serve --app with uvicorn's reload on the --watch folders and --out. Every edit "
            "of SPEC (or a file beside it) regenerates --out: a broken spec prints its located errors and "
            "the last good app keeps serving. At start-up the app logs the operations answering 501."
        ),
        epilog="Example: specfirst dev spec/openapi.yaml --out generated --app app.main:app --watch app",
    )
    dev.add_argument("spec", type=Path, metavar="SPEC", help="the OpenAPI document (YAML or JSON)")
    dev.add_argument("--out", type=Path, required=True, metavar="DIR", help="the generated package folder")
    dev.add_argument("--app", required=True, metavar="MODULE:ATTR", help="the ASGI app, as uvicorn takes it")
    dev.add_argument("--factory", action="store_true", help="--app is a function returning the app")
    dev.add_argument(
        "--watch",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of your code to reload on (repeatable; --out is always watched)",
    )
    dev.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    dev.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    dev.add_argument("--lenient", action="store_true", help="as for generate")
    dev.add_argument("--allow-remote-refs", action="store_true", help="as for generate")
    impl = commands.add_parser(
        "check-impl",
        help="exit 1 naming each handler method that is missing or drifted from the generated interfaces",
        description=(
            "Import PACKAGE (generated) and every module of APP, find the classes implementing a generated "
            "handler interface, and list each method that is missing or whose parameters or return type "
            "differ from the contract's, as FILE:LINE with the operation. `make lint` runs it before mypy."
        ),
        epilog="Example: specfirst check-impl generated app",
    )
    impl.add_argument("package", metavar="PACKAGE", help="the generated package, importable by this name")
    impl.add_argument("app", metavar="APP", help="the package holding your implementations")
    init = commands.add_parser(
        "init",
        help="start a new project in DIR: contract, generated package, handler stubs, tests, Makefile",
        description=(
            "Write a new project ready for `make run` and `make test`: spec/openapi.yaml (a small "
            "realistic contract, or a copy of --spec), generated/, app/ with a stub handler class per tag "
            "(written once, never regenerated), tests/ with the contract test, a Makefile, a pyproject "
            "depending on specfirst-runtime (specfirst as a dev tool), .gitignore and a README."
        ),
        epilog="Example: specfirst init my-service --spec openapi.yaml && cd my-service && make test",
    )
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR", help="default: here")
    init.add_argument("--spec", type=Path, metavar="SPEC", help="start from this contract (YAML or JSON)")
    init.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    init.add_argument("--lenient", action="store_true", help="as for generate (kept in the Makefile)")
    mock = commands.add_parser(
        "mock",
        help="serve a mock of SPEC: every operation answers with its examples, or values from its schemas",
        description="Generate SPEC into a temporary folder and serve create_app(mock=True) with uvicorn.",
        epilog="Example: specfirst mock spec/openapi.yaml --port 4010   # then curl 127.0.0.1:4010/...",
    )
    mock.add_argument("spec", type=Path, metavar="SPEC", help="the OpenAPI document (YAML or JSON)")
    mock.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    mock.add_argument("--port", type=int, default=4010, help="port to listen on (default 4010)")
    mock.add_argument("--lenient", action="store_true", help="as for generate")
    mock.add_argument("--allow-remote-refs", action="store_true", help="as for generate")
    diff = commands.add_parser(
        "diff",
        help="report the changes from OLD to NEW that break clients of OLD; exit 1 if any",
        description=(
            "Compare two versions of a contract operation by operation, from the point of view of a client "
            "of OLD, and classify every change as breaking, warning or compatible. A side may be a file or "
            "GIT_REF:path (the spec, and every file beside it, as committed at GIT_REF; path as in git show)."
        ),
        epilog=(
            "Example: specfirst diff main:spec/openapi.yaml spec/openapi.yaml --format markdown. "
            "Exit codes: 0 nothing at or above --fail-on, 1 something is, 2 invalid spec or usage."
        ),
    )
    diff.add_argument("old", metavar="OLD", help="the published contract: a file or GIT_REF:path")
    diff.add_argument("new", metavar="NEW", help="the proposed contract: a file or GIT_REF:path")
    diff.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="report format (default text)"
    )
    diff.add_argument(
        "--fail-on",
        choices=("breaking", "warning", "never"),
        default="breaking",
        help="lowest severity that makes the exit status 1 (default breaking; never: report only, exit 0)",
    )
    diff.add_argument(
        "--flat",
        action="store_true",
        help="one entry per operation and path, as the changes are found, instead of one per root cause",
    )
    diff.add_argument(
        "--allow-major",
        action="store_true",
        help="do not fail when NEW's info.version has a higher semver major than OLD's (still listed)",
    )
    diff.add_argument(
        "--strict",
        action="store_true",
        help="also run openapi-spec-validator on both sides, as generate does (~1 s per side on big specs)",
    )
    diff.add_argument("--lenient", action="store_true", help="as for generate")
    diff.add_argument("--allow-remote-refs", action="store_true", help="as for generate")
    diff_base = commands.add_parser(
        "diff-base",
        help="diff each SPEC against itself at the merge base with --base (the pre-commit hook)",
        description=(
            "For each SPEC (a path from the repository's top, as pre-commit passes them), run `diff "
            "MERGE_BASE:SPEC SPEC`, MERGE_BASE being `git merge-base HEAD BASE`. A SPEC that did not exist "
            "there is new: nothing to compare."
        ),
        epilog="Example: specfirst diff-base --base origin/main spec/openapi.yaml. Exit codes as for diff.",
    )
    diff_base.add_argument("specs", nargs="+", metavar="SPEC", help="the contract file(s) as committed now")
    diff_base.add_argument("--base", default="main", help="the branch the change goes into (default main)")
    for flag, settings in _DIFF_SHARED.items():
        diff_base.add_argument(flag, **settings)
    return parser


_DIFF_SHARED: dict[str, dict[str, Any]] = {
    "--format": {"choices": ("text", "json", "markdown"), "default": "text", "help": "as for diff"},
    "--fail-on": {"choices": ("breaking", "warning", "never"), "default": "breaking", "help": "as for diff"},
    "--flat": {"action": "store_true", "help": "as for diff"},
    "--allow-major": {"action": "store_true", "help": "as for diff"},
    "--lenient": {"action": "store_true", "help": "as for generate"},
}


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.render(), file=sys.stderr)


def _check_package_name(out: Path) -> str | None:
    name = out.resolve().name
    if not name.isidentifier() or not name.isascii():
        return f"--out {out}: the folder name {name!r} must be a Python identifier (it is the package name)"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except Exception as exc:
        if os.environ.get("SPECFIRST_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in specfirst, not in your spec; SPECFIRST_DEBUG=1 shows the traceback.",
            file=sys.stderr,
        )
        return EXIT_BUG


def _serve_mock(args: argparse.Namespace) -> int:
    import importlib
    import signal
    import tempfile

    import uvicorn

    def terminated(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    # SIGTERM (docker stop, a supervisor) must clean up as SIGINT does: uvicorn shuts down gracefully, then
    # raises the signal again for the previous handler, which unwinds the `with` below instead of dying
    signal.signal(signal.SIGTERM, terminated)
    options = Options(lenient=args.lenient, allow_remote_refs=args.allow_remote_refs)
    with tempfile.TemporaryDirectory(prefix="specfirst-mock-") as folder:
        try:
            _, diagnostics = generate(args.spec, Path(folder) / "mock_api", options, force=True)
        except SpecError as exc:
            _report(exc.diagnostics)
            return EXIT_INVALID
        _report(diagnostics)
        sys.path.insert(0, folder)
        app = importlib.import_module("mock_api").create_app(mock=True)
        print(f"mock of {args.spec} on http://{args.host}:{args.port} (docs at /docs)", file=sys.stderr)
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK


def _write_sdk(args: argparse.Namespace) -> int:
    from .sdk import generate_python_sdk
    from .sdk_typescript import generate_typescript_sdk

    options = Options(lenient=args.lenient, allow_remote_refs=args.allow_remote_refs)
    write = generate_typescript_sdk if args.lang == "typescript" else generate_python_sdk
    try:
        write(args.spec, args.out, name=args.name, version=args.version, options=options)
    except SpecError as exc:
        _report(exc.diagnostics)
        return EXIT_INVALID
    except WriteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{args.out}: {args.lang.capitalize()} SDK written", file=sys.stderr)
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from .init import InitError, init_project

    try:
        diagnostics = init_project(args.dir, args.spec, force=args.force, lenient=args.lenient)
    except SpecError as exc:
        _report(exc.diagnostics)
        print(f"{args.spec}: the contract is invalid; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except (InitError, WriteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    _report(diagnostics)
    where = "" if args.dir == Path(".") else f"cd {args.dir} && "
    print(f"{args.dir}: new project written. Next: {where}make run (and make test)", file=sys.stderr)
    return EXIT_OK


def _check_impl(args: argparse.Namespace) -> int:
    from .check_impl import check_implementations

    try:
        problems, checked = check_implementations(args.package, args.app)
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for problem in problems:
        print(problem.render(), file=sys.stderr)
    if problems:
        print(f"{args.app}: {len(problems)} difference(s) from {args.package}'s interfaces", file=sys.stderr)
        return EXIT_DRIFT
    print(f"{args.app}: {checked} implementation(s) match {args.package}'s interfaces", file=sys.stderr)
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    if args.command == "init":
        return _init(args)
    if args.command == "mock":
        return _serve_mock(args)
    if args.command == "diff":
        from .diff import Severity
        from .diff_report import run as run_diff

        return run_diff(
            args.old,
            args.new,
            output_format=args.format,
            fail_on=None if args.fail_on == "never" else Severity(args.fail_on),
            allow_major=args.allow_major,
            options=Options(lenient=args.lenient, allow_remote_refs=args.allow_remote_refs),
            strict=args.strict,
            flat=args.flat,
        )
    if args.command == "diff-base":
        from .diff import Severity
        from .diff_report import run_against_base

        return run_against_base(
            args.specs,
            args.base,
            output_format=args.format,
            fail_on=None if args.fail_on == "never" else Severity(args.fail_on),
            allow_major=args.allow_major,
            options=Options(lenient=args.lenient),
            flat=args.flat,
        )
    if args.command == "sdk":
        return _write_sdk(args)
    if args.command == "check-impl":
        return _check_impl(args)
    if args.command == "dev":
        from .dev import serve

        return serve(
            args.spec,
            args.out,
            Options(lenient=args.lenient, allow_remote_refs=args.allow_remote_refs),
            app=args.app,
            factory=args.factory,
            watch=args.watch,
            host=args.host,
            port=args.port,
        )
    problem = _check_package_name(args.out)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_INVALID
    options = Options(lenient=args.lenient, allow_remote_refs=args.allow_remote_refs)
    started = time.perf_counter()
    try:
        if args.command == "generate":
            changed, diagnostics = generate(args.spec, args.out, options, force=args.force)
            _report(diagnostics)
            elapsed = time.perf_counter() - started
            state = "generated" if changed else "up to date"
            print(f"{args.out}: {state} ({elapsed:.2f}s)", file=sys.stderr)
            return EXIT_OK
        staging, diagnostics = render_package(args.spec, args.out, options)
        try:
            stale = drifted(staging, args.out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        _report(diagnostics)
        if stale:
            print(
                f"{args.out} is out of date with {args.spec}; run "
                f"`{regenerate_command(args.spec, args.out, options)}`. Stale files:",
                file=sys.stderr,
            )
            for name in stale:
                print(f"  {args.out / name}", file=sys.stderr)
            return EXIT_DRIFT
        print(f"{args.out}: up to date", file=sys.stderr)
        return EXIT_OK
    except SpecError as exc:
        _report(exc.diagnostics)
        errors = sum(1 for d in exc.diagnostics if d.severity == "error")
        print(f"{args.spec}: {errors} error(s); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except WriteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
