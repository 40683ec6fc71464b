"""`python -m app [--port N]`: migrate the database to head, then serve the example service with uvicorn
on 127.0.0.1 (one process, so migrating here cannot race another worker; gunicorn's workers never do)."""

from __future__ import annotations

import argparse

import uvicorn

from .config import get_settings
from .schema import upgrade


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument("--port", type=int, default=get_settings().port)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    upgrade(get_settings().database_url)
    uvicorn.run(
        "app.main:build_app",
        factory=True,
        host=args.host,
        port=args.port,
        proxy_headers=True,
        log_config=None,  # our JSON logging, configured in build_app
        access_log=False,  # RequestIdMiddleware logs each request, with its id
    )


if __name__ == "__main__":
    main()
