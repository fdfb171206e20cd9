"""The two parts of the development split that calibrations are fitted on and checked on.

A person's photos all fall in one part (by a hash of the identity, or of the photo's path
where it has none), so a constant fitted on the `fit` part is checked on people it never
saw (`held_out`). Stable across machines and runs: the hash is sha256, not Python's.
"""

from __future__ import annotations

import hashlib

FIT, HELD_OUT = "fit", "held_out"


def part(identity: str | None, path: str) -> str:
    key = (identity or path).encode()
    return FIT if hashlib.sha256(key).digest()[0] % 2 == 0 else HELD_OUT
