"""Run one function in a forked child while the caller goes on: the generator's use of the second core.

Fork shares the parent's memory (the loaded document, the imported libraries) at no cost, so only the
result crosses a pipe. Where fork is unavailable, or there is a single core, the call runs in line.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ChildFailed(Exception):
    """The forked call raised; carries the child's traceback text."""


class Pending(Generic[T]):
    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._done = False
        self._value: Any = None
        self._error: str | None = None
        if "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1:
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_child, args=(send, function, args), daemon=True)
            self._process.start()
            send.close()
        else:
            self._done = True
            self._value = function(*args)

    def result(self) -> T:
        """The function's return value; raises ChildFailed if it raised in the child."""
        if not self._done:
            try:
                ok, payload = self._receive.recv()
            except EOFError:
                ok, payload = False, "the child process ended without an answer"
            self._process.join()
            self._receive.close()
            self._done = True
            if ok:
                self._value = payload
            else:
                self._error = payload
        if self._error is not None:
            raise ChildFailed(self._error)
        value: T = self._value
        return value


def _child(send: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        send.send((True, function(*args)))
    except BaseException:
        send.send((False, traceback.format_exc()))
    finally:
        send.close()


class Worker(Generic[T]):
    """A forked child that gets ready (imports, warm-up) while the caller works, then runs one call.

    `Worker(prepare, run)` forks at once and calls `prepare()` in the child; `submit(*args)` later sends
    the arguments and `result()` returns `run(*args)`. Without fork (or with one core) both run in line.
    `early=(function, args)`: the child first computes `function(*args)`, for `early_result()`, and
    only then prepares: a head start for the caller's own work.
    """

    def __init__(
        self,
        prepare: Callable[[], object],
        run: Callable[..., T],
        *,
        inline: bool = False,
        early: tuple[Callable[..., Any], tuple[Any, ...]] | None = None,
    ) -> None:
        self._run = run
        self._early = early
        self._early_pending = early is not None
        self._args: tuple[Any, ...] = ()
        self._inline = inline or not (
            "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1
        )
        if self._inline:
            return
        context = multiprocessing.get_context("fork")
        args_in, self._args_out = context.Pipe(duplex=False)
        self._result_in, result_out = context.Pipe(duplex=False)
        parents_ends = (self._args_out, self._result_in)
        self._process = context.Process(
            target=_serve, args=(args_in, result_out, parents_ends, prepare, run, early), daemon=True
        )
        self._process.start()
        args_in.close()
        result_out.close()

    def submit(self, *args: Any) -> None:
        if self._inline:
            self._args = args
            return
        self._args_out.send(args)
        self._args_out.close()

    def early_result(self) -> Any:
        """`function(*args)` of `early`; raises ChildFailed if it raised (once only)."""
        if self._early is None or not self._early_pending:
            raise RuntimeError("no early result to take")
        self._early_pending = False
        function, args = self._early
        if self._inline:
            return function(*args)
        try:
            ok, payload = self._result_in.recv()
        except EOFError:
            ok, payload = False, "the worker process ended without an answer"
        if not ok:
            raise ChildFailed(payload)
        return payload

    def result(self) -> T:
        if self._inline:
            return self._run(*self._args)
        if self._early_pending:  # not taken: it comes first on the pipe
            with contextlib.suppress(ChildFailed):
                self.early_result()
        try:
            ok, payload = self._result_in.recv()
        except EOFError:
            ok, payload = False, "the worker process ended without an answer"
        self._process.join()
        self._result_in.close()
        if not ok:
            raise ChildFailed(payload)
        value: T = payload
        return value

    def cancel(self) -> None:
        """Stop a worker whose call will not be needed (the spec turned out invalid)."""
        if not self._inline:
            self._args_out.close()
            self._process.kill()  # it holds nothing worth finishing
            self._process.join()


def _serve(
    args_in: Any,
    result_out: Any,
    parents_ends: tuple[Any, ...],
    prepare: Callable[[], object],
    run: Callable[..., Any],
    early: tuple[Callable[..., Any], tuple[Any, ...]] | None,
) -> None:
    for end in parents_ends:  # or the parent closing its end would never reach us as EOF
        end.close()
    if early is not None:
        function, early_args = early
        try:
            result_out.send((True, function(*early_args)))
        except BaseException:
            result_out.send((False, traceback.format_exc()))
    with contextlib.suppress(Exception):
        prepare()  # only a warm-up: if it fails, the real call will say why
    try:
        args = args_in.recv()
    except EOFError:
        return  # cancelled
    try:
        result_out.send((True, run(*args)))
    except BaseException:
        result_out.send((False, traceback.format_exc()))
    finally:
        result_out.close()
