"""A deadline for a request's headers, which uvicorn does not have.

ASGI middleware only runs once the headers are complete, and uvicorn (as BentoML
starts it) never times out a connection whose headers are still arriving: 200
connections sending their headers a byte at a time were all still open after
42 s (issue 18, "slowloris"). `install()` gives every connection of this process
HEADER_SECONDS (FACE_HEADER_TIMEOUT_S) to complete a request's headers, from the
moment it opens and again after each response: a connection that has not
started a new request by then is closed. A connection that completed its
headers is left alone (the request guard bounds the body,
FACE_REQUEST_DEADLINE_S the work).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import settings
from inputs.imageio import numbers_from_env

log = logging.getLogger(__name__)


def seconds_from_env(environ: Mapping[str, str] | None = None) -> float:
    """FACE_HEADER_TIMEOUT_S: seconds a client has to send a request's headers (a
    few hundred bytes, sent in one packet by every HTTP client), also the longest
    idle keep-alive; default 10. ValueError naming the variable unless it is a
    positive number."""
    values = numbers_from_env(environ, [("FACE_HEADER_TIMEOUT_S", "seconds", float)],
                              positive=True)
    return values.get("seconds", float(settings.VARIABLES["FACE_HEADER_TIMEOUT_S"].default))


#: Read once at import: service.py imports this module, so a malformed value stops
#: the server at start.
HEADER_SECONDS = seconds_from_env()


def _protocols():
    classes = []
    try:
        from uvicorn.protocols.http.h11_impl import H11Protocol
        classes.append(H11Protocol)
    except ImportError:  # pragma: no cover - uvicorn always has h11
        pass
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
        classes.append(HttpToolsProtocol)
    except ImportError:  # httptools is optional
        pass
    return classes


def _arm(protocol) -> None:
    """Close `protocol`'s connection in HEADER_SECONDS unless a new request's headers
    have completed by then (uvicorn makes a new cycle for each one)."""
    cycle = protocol.cycle

    def expire():
        transport = protocol.transport
        if protocol.cycle is cycle and not transport.is_closing() \
                and (cycle is None or cycle.response_complete):
            transport.close()

    timer = getattr(protocol, "_header_timer", None)
    if timer is not None:
        timer.cancel()
    protocol._header_timer = protocol.loop.call_later(HEADER_SECONDS, expire)


def install(seconds: float | None = None) -> None:
    """Patch uvicorn's HTTP protocols in this process (idempotent); `seconds`
    replaces HEADER_SECONDS (a test's own, shorter one)."""
    global HEADER_SECONDS
    if seconds is not None:
        HEADER_SECONDS = float(seconds)
    for cls in _protocols():
        if getattr(cls, "_header_timeout_installed", False):
            continue
        made, complete = cls.connection_made, cls.on_response_complete

        def connection_made(self, transport, _made=made):
            _made(self, transport)
            _arm(self)

        def on_response_complete(self, _complete=complete):
            _complete(self)
            if not self.transport.is_closing():
                _arm(self)

        cls.connection_made = connection_made
        cls.on_response_complete = on_response_complete
        cls._header_timeout_installed = True
        log.debug("request headers time out after %g s on %s", HEADER_SECONDS, cls.__name__)
