"""The one way a served model builds its onnxruntime session: on the CPU, with
`threads` intra-op threads, and options chosen for the memory each model service
process holds (issue 15: 14 processes must fit in 2 GB of RSS together).

Every wrapper that runs an ONNX graph (mtcnn.py, human_faces.py, liveness.py,
onnx_batch.py, age_gender.py, classifiers.py, blazeface.py) builds it here, so an
option measured once holds for all of them; `python -m bench.onnx_memory` measures
the options on each served model, memory and time side by side.
"""

from __future__ import annotations

from pathlib import Path


def session_options(threads: int = 1):
    import onnxruntime as ort  # only the model processes load the runtime

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # the arena keeps the largest buffers it ever served (a crowd: 905 MB against 359);
    # figures: docs/benchmarks.md, "2026-12-07 moved from code comments"
    options.enable_cpu_mem_arena = False
    # without the arena, the pattern's block is mapped afresh every run (same section)
    options.enable_mem_pattern = False
    return options


def cpu_session(path: str | Path, threads: int = 1):
    """An InferenceSession of the graph at `path` on onnxruntime's CPU provider."""
    import onnxruntime as ort

    return ort.InferenceSession(str(path), sess_options=session_options(threads),
                                providers=["CPUExecutionProvider"])
