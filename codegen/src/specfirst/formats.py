"""The format checker the generator judges example, default and mock values with.

jsonschema's own, with `uri` and `uri-reference` checked as RFC 3986 patterns (jsonschema skips them
unless rfc3987 is installed; schemathesis and the generated models do check them). A checker of our own:
jsonschema's global FORMAT_CHECKER, which every library in the process shares, is left as it is.
"""

from __future__ import annotations

import functools
import re

from jsonschema import FormatChecker
from specfirst_runtime.formats import FORMAT_PATTERNS


@functools.cache
def format_checker() -> FormatChecker:
    checker = FormatChecker()  # an instance copies the known checks: registering here stays here
    for name, pattern in FORMAT_PATTERNS.items():
        compiled = re.compile(pattern)
        checker.checks(name)(
            lambda value, compiled=compiled: not isinstance(value, str) or bool(compiled.match(value))
        )
    return checker
