"""Run one function in a forked child while the caller goes on: the generator's use of the second core.

Fork shares the parent's memory (the loaded document, the imported libraries) at no cost, so only the
result crosses a pipe. Where fork is unavailable, or there is a single core, the call runs in line.
"""

from __future__ import annotations

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
