"""specfirst: an OpenAPI 3.1 contract in, a typed FastAPI server package out.

The pipeline reads top-down: `loader` (files, refs, line map) -> `validate` -> `normalize` (3.0 to 3.1)
-> `parse` (into the `ir`) -> `render` (models, server) -> `write` (staged, formatted, swapped).
What the generated code imports at run time is the separate `specfirst_runtime` package.
"""

__version__ = "0.2.0"
