"""The service's client errors: raised anywhere below the routes, answered as a 4xx
`{"detail", "code"}` at the edge (front/http.py)."""

from __future__ import annotations


class InputError(Exception):
    """A client error: ``status`` is 400, 413, 415 or 422, ``detail`` a sentence.

    ``code`` is a short machine-readable tag (``"empty"``, ``"too_large"``,
    ``"too_many_pixels"``, ``"unsupported_format"``, ``"corrupt"``,
    ``"too_small"``, ``"invalid_base64"``, ``"pdf_encrypted"``,
    ``"page_out_of_range"`` ...).
    """

    def __init__(self, status: int, detail: str, code: str = "invalid_input"):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code

    def __repr__(self) -> str:
        return f"InputError({self.status}, {self.detail!r}, code={self.code!r})"
