"""Quiet logs: a client's mistake is one INFO line, an ERROR is the server's own fault.

BentoML logs every exception of an API call as ERROR with its traceback, also the
validation errors it answers with 400 (`max_faces=0`, a JSON array as the body),
so any client could fill the log with tracebacks (issue 29). `install()` adds a
filter to BentoML's logger that turns those records - a pydantic ValidationError,
or a BentoML exception with a 4xx status - into one INFO line naming the fields.
Everything else stays an ERROR with its traceback.
"""

from __future__ import annotations

import logging

LOGGER = "bentoml._internal.server.http_app"  # the logger of BentoML's log_exception


def _client_status(error: BaseException | None) -> int | None:
    """The 4xx BentoML answers `error` with, None for a server fault."""
    from bentoml.exceptions import BentoMLException
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        return 400
    if isinstance(error, BentoMLException):
        status = int(error.error_code)
        return status if 400 <= status < 500 else None
    return None


def _summary(error: BaseException) -> str:
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        from front.error_shape import _sentence

        return "; ".join(_sentence(item) for item in
                         error.errors(include_context=False, include_input=False)[:5])
    return str(error)


class ClientErrorFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        status = _client_status(error)
        if status is None:
            return True
        path, method = (record.args + (None, None))[:2] if isinstance(record.args, tuple) \
            else (None, None)
        record.msg = "client error %s on %s [%s]: %s"
        record.args = (status, path, method, _summary(error)[:300])
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def install() -> None:
    """Add the filter to BentoML's logger in this process (idempotent)."""
    logger = logging.getLogger(LOGGER)
    if not any(isinstance(f, ClientErrorFilter) for f in logger.filters):
        logger.addFilter(ClientErrorFilter())
