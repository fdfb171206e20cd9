"""The one way a served model builds its onnxruntime session: on the CPU, with
`threads` intra-op threads, and options chosen for the memory each model service
process holds (issue 15: 14 processes must fit in 2 GB of RSS together).

Every wrapper that runs an ONNX graph (detection.py, human_faces.py, liveness.py,
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
    # onnxruntime's memory arena keeps the largest buffers it ever served: after one
    # 400-face crowd (1600 px, 398 faces) the cascade's process held 905 MB after
    # malloc_trim with it and 359 MB without, for 1.79 s against 1.58 s on the crowd
    # and the same time on a portrait (one run each, side by side); a served detector
    # kept 775 MB after a 16-client burst with one crowd (bench.benchmark: total RSS),
    # and FaceRes's process 287 MB against 199 at start. bench/onnx_memory.py, anonymous
    # MB a model holds after 10 runs of t1.jpg's 6 faces and obama.jpg's 1, with -> without:
    # GEAR 301.5 -> 4.9, FaceRes 105.5 -> 16.1, antispoof 60.7 -> 3.3, embedding 49.7 ->
    # 36.8, age/gender 31.5 -> 26.1; time without / with 0.98-1.03, except GEAR's and
    # FaceRes's 6 faces (1.39, 1.44: fresh pages every run; see the pattern below).
    # Off for every model.
    options.enable_cpu_mem_arena = False
    # Without the arena, the memory pattern's one block for all of a run's tensors is
    # mapped afresh every run: off, each tensor comes from malloc and reuses freed
    # pages. bench/onnx_memory.py, arena off, pattern on -> off, 6 faces of t1.jpg:
    # peak RSS during the runs antispoof 228 -> 94 MB, embedding 73 -> 66, GEAR 240 ->
    # 230 (FaceRes 127 -> 134); time of the pattern's, FaceRes 0.73 and GEAR 0.95 (0.81 and 0.83 in an
    # earlier run), the other models 0.99-1.08 (age/gender's 1.08 was 1.01 in the
    # earlier run); the memory held after the runs unchanged.
    # (Prepacking off changed no model's memory by more than 0.1 MB: left on.)
    options.enable_mem_pattern = False
    return options


def cpu_session(path: str | Path, threads: int = 1):
    """An InferenceSession of the graph at `path` on onnxruntime's CPU provider."""
    import onnxruntime as ort

    return ort.InferenceSession(str(path), sess_options=session_options(threads),
                                providers=["CPUExecutionProvider"])
