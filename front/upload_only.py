"""BentoML's own URL loading, switched off: a file field takes an uploaded file only.

BentoML's multipart reader passes any text value of a file field to its own
downloader (`MultipartSerde.ensure_file`: an httpx GET with none of this project's
address checks, timeout or size cap), and its JSON reader downloads a body that is
a bare URL for a file input. The request guard (security.py) refuses such parts
before BentoML reads them; `install()` makes the downloader itself refuse, so a
request the guard reads differently from BentoML (issue 29: field names in another
charset) still reaches no URL. Images at a URL go through inputs/sources.py, which
applies the URL fetch policy.
"""

from __future__ import annotations

REFUSAL = ("a file field takes an uploaded file (a multipart part with a filename); "
           "text and URLs are not fetched in its place")


def _upload_only(value):
    from bentoml.exceptions import BadInput
    from starlette.datastructures import UploadFile

    if isinstance(value, UploadFile):
        return value
    raise BadInput(REFUSAL)


async def _ensure_file(value):
    return _upload_only(value)


def install() -> None:
    """Patch BentoML's serde module in this process (idempotent)."""
    from _bentoml_impl import serde

    serde.MultipartSerde.ensure_file = staticmethod(_ensure_file)
    # JSONSerde.parse_request downloads a body that is_http_url: no body is a URL here
    serde.is_http_url = lambda _text: False
