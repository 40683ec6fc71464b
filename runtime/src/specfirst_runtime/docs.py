"""The offline docs pages, fully offline: ReDoc's bundle as fastapi-offline ships it, less its one request
outside the app.

redoc.standalone.js renders a "redocly logo" image from https://cdn.redoc.ly in its sidebar, with no
option to turn it off; the bundle is served here with that URL replaced by an empty inline image (a
`data:` URL: no request). The file in site-packages is read, never changed.
"""

from __future__ import annotations

import functools
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = b"data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E"
# fastapi-offline's default static_url, under which its pages load the bundle
REDOC_JS = "/static-offline-docs/redoc.standalone.js"


@functools.cache
def _redoc_bundle() -> bytes:
    # fastapi-offline keeps its assets in the `static` folder beside its code (1.7, pinned <2)
    path = Path(fastapi_offline.__file__).parent / "static" / "redoc.standalone.js"
    return path.read_bytes().replace(REDOC_LOGO, EMPTY_IMAGE)


async def _redoc_js(request: Request) -> Response:
    return Response(_redoc_bundle(), media_type="text/javascript; charset=utf-8")


def serve_offline_redoc(app: FastAPI) -> None:
    """Answer the ReDoc bundle's URL before fastapi-offline's static mount does."""
    app.router.routes.insert(0, Route(REDOC_JS, _redoc_js, methods=["GET", "HEAD"]))
