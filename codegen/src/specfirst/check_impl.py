"""`specfirst check-impl`: the app's handler classes compared with the generated interfaces.

mypy reports a class lacking an operation only where it is passed to `create_app` ("Only concrete class
can be given"), without naming the method. This check imports the generated package and every module of
the app, finds each class implementing a generated interface, and names, with file and line, each
method that is missing or whose signature drifted from the contract (parameter names, kinds and
annotations, return annotation), with its operation.
"""

from __future__ import annotations

import collections.abc
import importlib
import inspect
import pkgutil
import re
import sys
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .pipeline import shown_path

DOTTED = re.compile(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def render(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Declared:
    interface: type
    method: str
    operation: str  # "getItemHistory, GET /api/v1/items/{itemId}/history"


def check_implementations(package: str, app: str) -> tuple[list[Problem], int]:
    """(problems, number of implementation classes checked), importing `package` and every module of `app`."""
    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    declared = _declared(package)
    interfaces = {d.interface for d in declared}
    problems: list[Problem] = []
    checked = 0
    for cls in _implementations(app, interfaces):
        checked += 1
        for item in declared:
            if item.interface in cls.__mro__:  # Protocols refuse issubclass
                problems.extend(_compare(cls, item))
    return problems, checked


def _declared(package: str) -> list[Declared]:
    """Every method of every generated interface, with its operation (a tag's router module lists its
    operations by method name; the interface is the one declaring exactly those methods)."""
    handlers = importlib.import_module(f"{package}.handlers")
    routers = importlib.import_module(f"{package}.routers")
    interfaces = [
        value
        for value in vars(handlers).values()
        if inspect.isclass(value) and value.__module__ == handlers.__name__ and _own_methods(value)
    ]
    found = []
    for name in getattr(routers, "__all__", ()):
        router = importlib.import_module(f"{package}.routers.{name}")
        operations = {op.handler: op for op in router.OPERATIONS}
        for interface in interfaces:
            if set(_own_methods(interface)) == set(operations):
                for method, op in operations.items():
                    about = f"{op.operation_id}, {op.method.upper()} {op.path}"
                    found.append(Declared(interface, method, about))
                break
    return found


def _own_methods(interface: type) -> list[str]:
    """The operations' methods (a Protocol also holds an `__init__` and the like)."""
    methods = vars(interface).items()
    return [name for name, value in methods if inspect.isfunction(value) and not name.startswith("_")]


def _implementations(app: str, interfaces: set[type]) -> Iterator[type]:
    root = importlib.import_module(app)
    modules = [root]
    for info in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=f"{app}."):
        if info.name.rsplit(".", 1)[-1] != "__main__":
            modules.append(importlib.import_module(info.name))
    for module in modules:
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and value.__module__ == module.__name__
                and value not in interfaces
                and any(interface in value.__mro__ for interface in interfaces)
            ):
                yield value


def _where(obj: Any) -> tuple[str, int]:
    try:
        file = inspect.getsourcefile(obj) or "?"
        line = inspect.getsourcelines(obj)[1]
    except (OSError, TypeError):
        return "?", 0
    return shown_path(Path(file)), line


def _compare(cls: type, declared: Declared) -> Iterator[Problem]:
    name, interface = declared.method, declared.interface
    about = f"({interface.__name__}; operation {declared.operation})" if declared.operation else ""
    owner = next((klass for klass in cls.__mro__ if name in vars(klass)), None)
    if owner is None or owner is interface or _is_protocol(owner):
        file, line = _where(cls)
        yield Problem(file, line, f"{cls.__name__} lacks {name} {about}".rstrip())
        return
    implemented = vars(owner)[name]
    file, line = _where(implemented)
    where = f"{cls.__name__}.{name}"
    for difference in _differences(getattr(interface, name), implemented):
        yield Problem(file, line, f"{where}: {difference} {about}".rstrip())


def _is_protocol(klass: type) -> bool:
    return bool(getattr(klass, "_is_protocol", False))


def _signature(function: Any) -> tuple[inspect.Signature, bool]:
    """The signature with evaluated annotations (True), or as written when they do not evaluate (False)."""
    try:
        return inspect.signature(function, eval_str=True), True
    except Exception:  # a name imported only under TYPE_CHECKING: compare names and kinds only
        return inspect.signature(function), False


def _differences(declared: Any, implemented: Any) -> Iterator[str]:
    want, want_typed = _signature(declared)
    have, have_typed = _signature(implemented)
    typed = want_typed and have_typed
    wanted = [p for p in want.parameters.values() if p.name != "self"]
    has = [p for p in have.parameters.values() if p.name != "self"]
    if [(p.name, p.kind) for p in wanted] != [(p.name, p.kind) for p in has]:
        yield f"the parameters are ({_parameters(has)}), the contract's are ({_parameters(wanted)})"
    elif typed:
        for want_param, have_param in zip(wanted, has, strict=True):
            if not _accepts(have_param.annotation, want_param.annotation):
                yield (
                    f"parameter {want_param.name!r} is {_show(have_param.annotation)}, "
                    f"the contract's is {_show(want_param.annotation)}"
                )
    returns, declared_returns = have.return_annotation, want.return_annotation
    if typed and returns is not inspect.Signature.empty and not _returns_within(returns, declared_returns):
        yield f"returns {_show(returns)}, the contract's is {_show(declared_returns)}"


def _parameters(parameters: list[inspect.Parameter]) -> str:
    marked = []
    for index, parameter in enumerate(parameters):
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and (
            index == 0 or parameters[index - 1].kind is not inspect.Parameter.KEYWORD_ONLY
        ):
            marked.append("*")
        marked.append(parameter.name)
    return ", ".join(marked)


def _members(annotation: Any) -> list[Any]:
    if annotation is None:
        return [type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [member for arg in typing.get_args(annotation) for member in _members(arg)]
    if typing.get_origin(annotation) is typing.Literal:
        return [typing.Literal[value] for value in typing.get_args(annotation)]
    return [annotation]


def _covers(wide: Any, narrow: Any) -> bool:
    """Whether a value of type `narrow` is one of type `wide` (for the forms handlers use)."""
    if wide == narrow or wide is Any:
        return True
    if typing.get_origin(narrow) is typing.Literal:
        value = typing.get_args(narrow)[0]
        return isinstance(wide, type) and isinstance(value, wide)
    if isinstance(wide, type) and isinstance(narrow, type):
        return issubclass(narrow, wide)
    wide_origin, narrow_origin = typing.get_origin(wide), typing.get_origin(narrow)
    if isinstance(wide_origin, type) and isinstance(narrow_origin, type):
        wide_args, narrow_args = typing.get_args(wide), typing.get_args(narrow)
        return (
            issubclass(narrow_origin, wide_origin)
            and len(wide_args) == len(narrow_args)
            and all(_within(n, w) for w, n in zip(wide_args, narrow_args, strict=True))
        )
    return False


def _within(narrow: Any, wide: Any) -> bool:
    return all(any(_covers(w, n) for w in _members(wide)) for n in _members(narrow))


def _accepts(have: Any, want: Any) -> bool:
    """An implementation's parameter may take more than the contract sends, never less."""
    return have is inspect.Parameter.empty or _within(want, have)


def _returns_within(have: Any, want: Any) -> bool:
    """A `def` returns the T of MaybeAwaitable[T], an `async def` is annotated with T: T or narrower."""
    return _within(have, want)


def _show(annotation: Any) -> str:
    """An annotation as its source would write it: bare names, the T of a MaybeAwaitable[T]."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        last = typing.get_args(annotation)[-1]
        if typing.get_origin(last) is collections.abc.Awaitable:
            annotation = typing.get_args(last)[0]  # MaybeAwaitable[T]: a def returns T, an async def too
    if isinstance(annotation, type):
        return annotation.__name__
    return DOTTED.sub(r"\1", str(annotation))
