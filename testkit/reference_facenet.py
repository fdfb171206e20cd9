"""facenet-pytorch 2.6.0's MTCNN answers, for tests/test_reference_mtcnn.py.

Run by testkit/reference_envs.py with the project's interpreter and torch, and
facenet-pytorch (installed --no-deps into a folder of its own) on the path. A
JSON request on stdin: the .npy images (HxWx3 uint8 RGB, decoded by the project)
and one or more MTCNN settings; per setting, the boxes, probabilities and 5
points of each image go to stdout as JSON, as ``MTCNN.detect(image,
landmarks=True)`` returns them.

torchvision: facenet-pytorch imports it for one function, and PyPI's torchvision
is built against PyPI's CUDA torch, so it does not load on the CPU torch here.
``torchvision.ops.boxes.batched_nms`` is written below in plain torch to
torchvision's documented contract (boxes x1, y1, x2, y2; area (x2 - x1) *
(y2 - y1), no + 1; keep in decreasing score order, ties in input order, dropping
every box whose IoU with a kept one is above the threshold; per group, by
offsetting each group's boxes apart); ``torchvision.transforms.functional`` is
imported but used only by extract_face, which is not called. facenet-pytorch's
last suppression (the O-Net's 'Min' overlap) is its own numpy code and runs as
shipped. So every step but this one NMS is facenet-pytorch's own.
"""

from __future__ import annotations

import json
import sys
import types

import numpy as np
import torch


def batched_nms(boxes: torch.Tensor, scores: torch.Tensor, groups: torch.Tensor,
                iou_threshold: float) -> torch.Tensor:
    if boxes.numel() == 0:
        return torch.empty((0,), dtype=torch.int64)
    apart = boxes + (groups.to(boxes) * (boxes.max() + 1))[:, None]
    x1, y1, x2, y2 = apart.unbind(1)
    areas = (x2 - x1) * (y2 - y1)
    suppressed = torch.zeros(len(apart), dtype=torch.bool)
    keep = []
    for i in torch.sort(scores, descending=True, stable=True).indices.tolist():
        if suppressed[i]:
            continue
        keep.append(i)
        inter = ((torch.minimum(x2[i], x2) - torch.maximum(x1[i], x1)).clamp(min=0)
                 * (torch.minimum(y2[i], y2) - torch.maximum(y1[i], y1)).clamp(min=0))
        suppressed |= inter / (areas[i] + areas - inter) > iou_threshold
    return torch.as_tensor(keep, dtype=torch.int64)


def install_torchvision_stand_in() -> None:
    modules = {name: types.ModuleType(name) for name in (
        "torchvision", "torchvision.ops", "torchvision.ops.boxes", "torchvision.transforms",
        "torchvision.transforms.functional")}
    modules["torchvision.ops.boxes"].batched_nms = batched_nms
    modules["torchvision"].ops = modules["torchvision.ops"]
    modules["torchvision.ops"].boxes = modules["torchvision.ops.boxes"]
    modules["torchvision"].transforms = modules["torchvision.transforms"]
    modules["torchvision.transforms"].functional = modules["torchvision.transforms.functional"]
    sys.modules.update(modules)


def main() -> None:
    request = json.load(sys.stdin)
    # one thread: the answer does not depend on it, and the test machine is shared
    torch.set_num_threads(1)
    install_torchvision_stand_in()
    from facenet_pytorch import MTCNN

    images = [np.load(path) for path in request["images"]]
    answers = []
    for setting in request["settings"]:
        mtcnn = MTCNN(keep_all=True, device="cpu", min_face_size=setting["min_face_size"],
                      thresholds=setting["thresholds"], factor=setting["factor"],
                      select_largest=True)
        answers.append([])
        for image in images:
            boxes, probs, points = mtcnn.detect(image, landmarks=True)
            none = boxes is None
            answers[-1].append({"boxes": [] if none else boxes.astype(float).tolist(),
                                "scores": [] if none else probs.astype(float).tolist(),
                                "points": [] if none else points.astype(float).tolist()})
    json.dump(answers, sys.stdout)

if __name__ == "__main__":
    main()
