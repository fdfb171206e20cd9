"""FaceRes's gender entry (`face-gender-faceres`, the default set's gender) as stored at
import: the converted faceres.onnx taking the face tensor at any size and quantized to
int8. The other FaceRes entries (age, the descriptor) keep the float conversion.

* input [N, H, W, 3] float 0..255, resized to 224 inside the graph (Resize, linear,
  asymmetric: TensorFlow's resize_bilinear without half-pixel centres, as
  analyzers/face_models/liveness.py resize_bilinear does in numpy); a 224 px input passes through;
* static int8 (QDQ: per-channel 7-bit weights, uint8 activations) with the committed
  MinMax ranges of RANGES, so the same inputs give the same bytes (the registry's
  made_sha256); its outputs stay the float model's three.

Cost and accuracy: docs/benchmarks.md "FaceRes cost", docs/accuracy.md "FaceRes's gender
in int8".
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import onnx
from onnx import TensorProto, helper

INPUT_SIZE = 224  # analyzers/face_models/faceres.py INPUT_SIZE
FACES_INPUT = "faces"
# the activation ranges (onnxruntime's calibration cache), measured once on the project's
# test photos by training/int8/faceres_gender_ranges.py: the import reads no photo
RANGES = Path(__file__).resolve().parent / "calibration" / "face-gender-faceres.int8-ranges.json"


def with_resize(model: onnx.ModelProto) -> onnx.ModelProto:
    """`model` (one [N, 224, 224, 3] input) fed [N, H, W, 3] (FACES_INPUT) instead, resized
    to 224 in the graph: onnxruntime about 1 ms a face, the numpy resize 2.5-5."""
    graph = model.graph
    (old,) = graph.input
    nodes = [
        helper.make_node("Shape", [FACES_INPUT], ["faces_shape"], name="faces_shape"),
        helper.make_node("Slice", ["faces_shape", "batch_start", "batch_end"], ["batch"],
                         name="faces_batch"),
        helper.make_node("Concat", ["batch", "resize_hwc"], ["resize_sizes"], axis=0,
                         name="resize_sizes"),
        helper.make_node("Resize", [FACES_INPUT, "", "", "resize_sizes"], [old.name],
                         name="resize_input", mode="linear",
                         coordinate_transformation_mode="asymmetric"),
    ]
    graph.initializer.extend([
        helper.make_tensor("resize_hwc", TensorProto.INT64, [3], [INPUT_SIZE, INPUT_SIZE, 3]),
        helper.make_tensor("batch_start", TensorProto.INT64, [1], [0]),
        helper.make_tensor("batch_end", TensorProto.INT64, [1], [1])])
    rest = list(graph.node)
    del graph.node[:], graph.input[:]
    graph.node.extend([*nodes, *rest])
    graph.input.append(helper.make_tensor_value_info(FACES_INPUT, TensorProto.FLOAT,
                                                     ["batch", "height", "width", 3]))
    onnx.checker.check_model(model)
    return model


def prepared(model_path: Path, work: Path) -> Path:
    """onnxruntime's preparation of the graph at `model_path` (shapes, each conv + bias +
    relu6 folded together), every node named, saved in `work`."""
    from onnxruntime.quantization.shape_inference import quant_pre_process

    ready = Path(work) / "ready.onnx"
    quant_pre_process(str(model_path), str(ready), skip_symbolic_shape=True)
    model = onnx.load(str(ready))
    for index, node in enumerate(model.graph.node):
        node.name = node.name or f"{node.op_type}_{index}"
    onnx.save(model, str(ready))
    return ready


def kept_float(model_path: Path) -> list[str]:
    """The resize's nodes: they feed the first conv and stay float."""
    return [node.name for node in onnx.load(str(model_path)).graph.node
            if node.op_type in ("Shape", "Slice", "Concat", "Resize")]


def quantize(model: onnx.ModelProto, out_path: Path, ranges: Path = RANGES,
             faces=None) -> Path:
    """Static int8 (QDQ) of `model` with the activation ranges in `ranges`; `faces` (an
    onnxruntime CalibrationDataReader) measures them there first when the file is absent.
    7-bit weights (`reduce_range`): uint8 x int8 multiply-adds saturate on x86 without
    VNNI, so 8-bit ones answered differently on different CPUs (docs/accuracy.md)."""
    from onnxruntime import quantization as quant

    if faces is None and not Path(ranges).is_file():
        raise FileNotFoundError(f"{ranges}: the committed int8 ranges are missing")
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "plain.onnx"
        onnx.save(model, str(plain))
        ready = prepared(plain, Path(work))
        quant.quantize_static(
            str(ready), str(out_path), faces, quant_format=quant.QuantFormat.QDQ,
            activation_type=quant.QuantType.QUInt8, weight_type=quant.QuantType.QInt8,
            per_channel=True, reduce_range=True,
            calibrate_method=quant.CalibrationMethod.MinMax, nodes_to_exclude=kept_float(ready),
            calibration_cache_path=str(ranges))
    return out_path


def gender_int8(onnx_path: Path, out_path: Path) -> Path:
    """The converted faceres.onnx at `onnx_path` -> the gender entry's model at `out_path`."""
    return quantize(with_resize(onnx.load(str(onnx_path))), Path(out_path))


# registry wrapper -> the import step of its converted files: (file, step, version).
# The version is part of the entry's fingerprint (models/importer.py): bump it when
# the step's output changes, and that entry alone is converted again.
STEPS = {"analyzers.face_models.faceres:FaceResGender": ("faceres.onnx", gender_int8, "int8-2")}


def step_version(source) -> str:
    """The version of `source`'s import step, or "" where it has none."""
    step = STEPS.get(source.wrapper)
    return step[2] if step else ""


def finish(source, files: dict[str, Path], work: Path, log=print) -> dict[str, Path]:
    """The converted files of `source`, through its import step where it has one."""
    step = STEPS.get(source.wrapper)
    if step is None:
        return files
    name, make, _ = step
    log(f"  {name}: resizing in the graph, int8 (models/faceres_gender.py)")
    out = Path(work) / "int8" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    return {**files, name: make(files[name], out)}
