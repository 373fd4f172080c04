"""One worker of `modelreg serve --workers N`: uvicorn on a socket of its own.

Run by the supervisor as `python -m modelreg.server.worker HOST PORT LOG_LEVEL`, with the
settings in the environment.
"""

from __future__ import annotations

import sys

from .http_protocol import http_protocol
from .supervisor import listening_socket

APP = "modelreg.server.asgi:app"


def main(argv: list[str]) -> None:
    import uvicorn

    host, port, log_level = argv
    sock = listening_socket(host, int(port))
    config = uvicorn.Config(APP, log_level=log_level, access_log=False, http=http_protocol())
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main(sys.argv[1:])
