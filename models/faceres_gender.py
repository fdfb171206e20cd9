"""FaceRes's gender entry (`face-gender-faceres`, the default set's gender) as stored at
import: the converted faceres.onnx taking the face tensor at any size and quantized to
int8. The other FaceRes entries (age, the descriptor) keep the float conversion.

* input [N, H, W, 3] float 0..255, resized to 224 inside the graph (Resize, linear,
  asymmetric: TensorFlow's resize_bilinear without half-pixel centres, which
  analyzers/liveness.py resize_bilinear does in numpy; they differ by at most ~1e-3
  of 255, onnxruntime computing the scale in float32). analyzers/faceres.py hands it
  the 192 px face tensor as it is; a 224 px input passes through unchanged, so code
  that resizes first still gets the same answers;
* static int8 (QDQ: per-channel int8 weights, uint8 activations, MinMax ranges)
  calibrated on CALIBRATION_FACES: the faces of the project's own test photos
  (testkit/photos.py), each framed four ways and mirrored; never a photo of the
  labelled set accuracy is measured on (docs/accuracy.md). Its outputs stay the three
  of the float model (the age softmax and the descriptor cost nothing measurable: the
  descriptor is the pooling the gender head reads, the age head a 1024x100 product).

Measured side by side (docs/benchmarks.md, "2026-11-29, FaceRes cost (issue 15)") and
on the labelled development split (docs/accuracy.md, same date): the figures are in
analyzers/faceres.py's doc.

8-bit weights, not the 7 of `reduce_range` that onnxruntime suggests against the
saturation of uint8 x int8 multiply-adds on x86 without VNNI: measured on such a CPU
(AVX2, no VNNI), as fast, and closer to the float model on 568 faces of the labelled
folder that carry no gender label (CelebA-Spoof live, mask-free, FG-NET; agreement
only): mean logit shift -0.007 against -0.083, 14 answers changed against 20.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

INPUT_SIZE = 224  # analyzers/faceres.py INPUT_SIZE
FACES_INPUT = "faces"
# photo (testkit/photos.py) -> faces: the detector's box (x1, y1, x2, y2) and the two
# eyes (image-left, image-right), as the default cascade found them on 2026-11-29
CALIBRATION_FACES = {
    "t1.jpg": [
        (468.1, 264.7, 570.7, 406.2, 492.2, 320.5, 541.4, 332.0),
        (53.9, 266.1, 165.7, 395.5, 86.6, 330.5, 129.9, 309.8),
        (906.0, 65.4, 1007.9, 198.8, 915.9, 121.1, 952.8, 113.9),
        (741.7, 343.3, 841.6, 475.1, 761.2, 397.8, 803.5, 401.8),
        (1130.4, 273.4, 1227.3, 396.9, 1151.0, 326.0, 1193.5, 323.7),
        (270.2, 154.3, 368.4, 269.8, 291.8, 212.1, 323.5, 192.3)],
    "obama.jpg": [(378.5, 82.1, 614.2, 419.1, 445.5, 216.1, 550.4, 213.9)],
    "obama2.jpg": [(199.9, 215.3, 475.5, 630.6, 252.8, 366.0, 373.8, 380.3)],
    "obama3.jpg": [(632.5, 236.7, 913.5, 607.9, 738.0, 382.6, 860.5, 397.1)],
    "obama_partial_face.jpg": [(0.0, 71.2, 163.5, 423.0, -69.6, 211.3, 77.1, 212.2)],
    "obama_partial_face2.jpg": [(399.4, 48.4, 551.0, 448.6, 518.4, 214.1, 689.1, 206.5)],
    "biden.jpg": [(433.7, 167.7, 714.6, 566.8, 539.3, 322.8, 658.6, 349.9)],
    "astronaut.png": [(181.3, 63.6, 265.9, 172.7, 204.6, 101.5, 247.6, 104.5)],
    "grace_hopper.jpg": [(178.7, 114.1, 351.7, 332.4, 220.7, 193.2, 307.3, 188.5)],
    "Tom_Hanks_54745.png": [(0.0, 0.0, 84.6, 112.0, 30.4, 52.9, 70.5, 51.9)],
}
FRAMINGS = 4  # each face as found, then moved by up to 5% and scaled by up to 8%, 3 times


def calibration_crops(seed: int = 0) -> np.ndarray:
    """[120, 192, 192, 3] uint8: the upright face tensors of CALIBRATION_FACES, each
    framing also mirrored."""
    from PIL import Image

    from analyzers.human_faces import upright_face
    from testkit.photos import photo  # import-time only: the bento never imports it

    rng = np.random.default_rng(seed)
    crops = []
    for name, faces in CALIBRATION_FACES.items():
        image = np.asarray(Image.open(photo(name)).convert("RGB"))
        for x1, y1, x2, y2, *eyes in faces:
            width, height = x2 - x1, y2 - y1
            for framing in range(FRAMINGS):
                shift, scale = ((rng.uniform(-0.05, 0.05, 2) * width, rng.uniform(0.92, 1.08))
                                if framing else (np.zeros(2), 1.0))
                cx, cy = (x1 + x2) / 2 + shift[0], (y1 + y2) / 2 + shift[1]
                box = [cx - width * scale / 2, cy - height * scale / 2,
                       cx + width * scale / 2, cy + height * scale / 2]
                crop = upright_face(image, {"box": box, "keypoints": np.reshape(eyes, (2, 2))})[0]
                crops += [crop, crop[:, ::-1]]
    return np.stack(crops)


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


def quantize(model: onnx.ModelProto, out_path: Path, crops: np.ndarray) -> Path:
    """Static int8 (QDQ) of `model`, its activation ranges from `crops` (uint8 face
    tensors)."""
    from onnxruntime import quantization as quant
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Faces(quant.CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{FACES_INPUT: crops[i:i + 8].astype(np.float32)}
                                 for i in range(0, len(crops), 8)])

        def get_next(self):
            return next(self.batches, None)

    with tempfile.TemporaryDirectory() as work:
        plain, ready = Path(work) / "plain.onnx", Path(work) / "ready.onnx"
        onnx.save(model, str(plain))
        # onnxruntime's preparation: shapes, and each conv + bias + relu6 folded together
        quant_pre_process(str(plain), str(ready), skip_symbolic_shape=True)
        prepared = onnx.load(str(ready))
        for index, node in enumerate(prepared.graph.node):
            node.name = node.name or f"{node.op_type}_{index}"
        onnx.save(prepared, str(ready))
        keep_float = [node.name for node in prepared.graph.node  # the resize feeds the
                      if node.op_type in ("Shape", "Slice", "Concat", "Resize")]  # 1st conv
        quant.quantize_static(
            str(ready), str(out_path), Faces(), quant_format=quant.QuantFormat.QDQ,
            activation_type=quant.QuantType.QUInt8, weight_type=quant.QuantType.QInt8,
            per_channel=True, reduce_range=False,
            calibrate_method=quant.CalibrationMethod.MinMax, nodes_to_exclude=keep_float)
    return out_path


def gender_int8(onnx_path: Path, out_path: Path, crops: np.ndarray | None = None) -> Path:
    """The converted faceres.onnx at `onnx_path` -> the gender entry's model at `out_path`."""
    model = with_resize(onnx.load(str(onnx_path)))
    return quantize(model, Path(out_path), calibration_crops() if crops is None else crops)


# registry wrapper -> the import step of its converted files: (file, step, version).
# The version is part of the entry's fingerprint (models/importer.py): bump it when
# the step's output changes, and that entry alone is converted again.
STEPS = {"analyzers.faceres:FaceResGender": ("faceres.onnx", gender_int8, "int8-1")}


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
