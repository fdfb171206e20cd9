"""How deep JSON nests, measured without parsing it and fed in pieces.

Python's json parser recurses once per [ or {: a few thousand levels raise a
RecursionError (a 500) wherever the text is parsed, so every JSON a client sends
(a body, a form field, the envelope inside a template) is measured here first.
The scan is vectorised (numpy) and incremental, so a request guard can measure a
body chunk by chunk as it arrives and stop at the first chunk that nests too deep:
a 64 KiB chunk costs well under a millisecond of the event loop, whatever it holds.

Brackets inside strings do not count. A backslash escapes the next byte, inside a
string or not: outside a string it is a syntax error at which the parser stops
before reaching anything after it, so skipping that byte hides no nesting.
"""

from __future__ import annotations

import re

import numpy as np

#: Deepest JSON nesting accepted anywhere in a request: the API's own requests
#: nest a few levels at most (quality thresholds: an object of objects).
MAX_JSON_DEPTH = 32
#: Most values (commas and brackets outside strings) a request's JSON may hold:
#: parsing is linear, but BentoML parses a body on the event loop, and 4 million
#: empty lists in 12 MiB would hold it for a quarter of a second. 100,000
#: attribute names fit.
MAX_JSON_VALUES = 250_000

_ANY_SPECIAL = re.compile(rb'[\\"\[\]{},]')
_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_OPEN = (ord("["), ord("{"))
_CLOSE = (ord("]"), ord("}"))
_COMMA = ord(",")


class JsonNesting:
    """`feed(chunk)` the bytes of one JSON text in order; `deepest` is the deepest
    nesting seen so far, `values` the commas and brackets outside strings (malformed
    text gets numbers too: the parser that reads it afterwards reports the syntax
    error)."""

    def __init__(self) -> None:
        self.depth = 0
        self.deepest = 0
        self.in_string = False
        self.backslashes = 0  # the run of backslashes that ended the last chunk
        self.values = 0

    def feed(self, chunk: bytes | bytearray | memoryview) -> int:
        if not chunk:
            return self.deepest
        if _ANY_SPECIAL.search(chunk) is None:  # base64 and plain text: nothing to count
            self.backslashes = 0
            return self.deepest
        a = np.frombuffer(chunk, np.uint8)
        n = a.size
        index = np.arange(n, dtype=np.int64)
        is_backslash = a == _BACKSLASH
        # the last byte before each position that is not a backslash (-1 - carried
        # run: the previous chunk's trailing backslashes continue here)
        last_plain = np.maximum.accumulate(np.where(is_backslash, -1 - self.backslashes, index))
        run_before = np.empty(n, np.int64)
        run_before[0] = self.backslashes
        run_before[1:] = index[:-1] - last_plain[:-1]
        plain = (run_before & 1) == 0  # not escaped by an odd run of backslashes
        quotes = (a == _QUOTE) & plain
        # string parity after each byte: a quote toggles it (the quote itself is not a bracket)
        inside = (np.cumsum(quotes, dtype=np.int64) + self.in_string) & 1
        outside = plain & (inside == 0)
        step = (((a == _OPEN[0]) | (a == _OPEN[1])) & outside).astype(np.int64) \
            - (((a == _CLOSE[0]) | (a == _CLOSE[1])) & outside).astype(np.int64)
        self.values += int(np.count_nonzero(step)) + int(np.count_nonzero(
            (a == _COMMA) & outside))
        path = np.cumsum(step) + self.depth
        self.deepest = max(self.deepest, int(path.max()))
        self.depth = int(path[-1])
        self.in_string = bool(inside[-1])
        self.backslashes = int(n - 1 - last_plain[-1]) if is_backslash[-1] else 0
        return self.deepest


def json_depth(text: str | bytes) -> int:
    """The deepest nesting of [ and { in JSON text, brackets inside strings not
    counted; linear in the text and never recursive."""
    scan = JsonNesting()
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    step = 1 << 18
    for start in range(0, len(data), step):
        scan.feed(data[start:start + step])
    return scan.deepest
