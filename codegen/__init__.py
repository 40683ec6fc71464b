"""codegen: an OpenAPI 3.1 contract in, a typed FastAPI server package out.

The pipeline reads top-down: `loader` (files, refs, line map) -> `validate` -> `normalize` (3.0 to 3.1)
-> `parse` (into the `ir`) -> `render` (models, server) -> `write` (staged, formatted, swapped).
`runtime` is what the generated code imports at run time.
"""

__version__ = "0.1.0"
