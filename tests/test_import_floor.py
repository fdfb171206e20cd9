"""What the front imports for its crops stays light (issue 15, memory).

The front imports every served model's wrapper module for its `prepare_face` / crop
functions (analyzers/face_analysis.py) but runs none of their models: a runtime
imported at a wrapper module's top lands in the front's memory for nothing (LiteRT
alone is 8.3 MB RSS, docs/benchmarks.md "memory floor").
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys
import service  # what every BentoML worker imports
from models.registry import SOURCES, wrapper_of
for source in SOURCES:
    if source.model_set == "default":
        wrapper_of(source)
heavy = [name for name in ("ai_edge_litert", "measures.colour", "dlib") if name in sys.modules]
print("HEAVY", ",".join(heavy))
"""


def test_wrapper_modules_import_no_runtime_they_do_not_run():
    found = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
    assert found.returncode == 0, found.stderr[-2000:]
    line = [text for text in found.stdout.splitlines() if text.startswith("HEAVY")][-1]
    assert line == "HEAVY ", f"imported without running a model: {line[6:]}"
