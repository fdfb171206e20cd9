"""The served ONNX path of the Hugging Face models answers as transformers does.

For a ViT classifier and the SegFormer parser (the tiny checkpoints of
testkit/tiny_hf.py: the real classes and label sets, random weights), the
project's path (models/hf.py's ONNX export, preprocess.json, and
analyzers/face_models/classifiers.py / parsing.py at serving time) and transformers' own
(AutoImageProcessor + the torch model, and for SegFormer the processor's
post_process_semantic_segmentation) get the same face crop of a real photo.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from analyzers.face_models import classifiers, parsing  # noqa: E402
from inputs.imageio import decode_image  # noqa: E402
from models.hf import load_torch, pretrained_files, to_onnx  # noqa: E402
from testkit.photos import photo  # noqa: E402
from testkit.tiny_hf import PARSER, labels_of, save_segformer, save_vit  # noqa: E402


def exported(folder: Path, out: Path) -> Path:
    out.mkdir()
    to_onnx(pretrained_files(folder), out)
    return out


def face_crops(size: int) -> np.ndarray:
    crops = []
    for name in ("obama.jpg", "biden.jpg", "t1.jpg"):
        image = decode_image(photo(name).read_bytes())
        height, width = image.shape[:2]
        box = [width * 0.3, height * 0.2, width * 0.6, height * 0.6]
        crops.append(classifiers.prepare(image, box, size=size))
    return np.stack(crops)


def reference_processor(folder: Path):
    # the PIL-based processor (transformers' default "slow" one; the fast one needs
    # torchvision)
    return transformers.AutoImageProcessor.from_pretrained(folder, use_fast=False)


def test_vit_classifier_matches_transformers(tmp_path):
    folder = save_vit(tmp_path / "vit", labels_of("face-gender-vit"), seed=7)
    served = classifiers.ImageClassifier.load(exported(folder, tmp_path / "stored"))
    crops = face_crops(classifiers.CROP_SIZE)
    processor, model = reference_processor(folder), load_torch(folder)
    pixels = processor(images=list(crops), return_tensors="np")["pixel_values"]
    np.testing.assert_allclose(served.pixel_values(crops), pixels, atol=1e-5)
    with torch.no_grad():
        logits = model(pixel_values=torch.from_numpy(pixels)).logits
    expected = torch.softmax(logits.double(), -1).numpy()
    for answer, row in zip(served.predict(crops), expected):
        assert answer["label"] == model.config.id2label[int(row.argmax())]
        np.testing.assert_allclose([answer["scores"][label] for label in served.labels], row,
                                   atol=5e-5)


def test_segformer_label_map_matches_transformers(tmp_path):
    folder = save_segformer(tmp_path / "seg", labels_of(PARSER), seed=8)
    served = parsing.HumanParser.load(exported(folder, tmp_path / "stored"))
    crops = face_crops(parsing.CROP_SIZE)
    processor, model = reference_processor(folder), load_torch(folder)
    pixels = processor(images=list(crops), return_tensors="np")["pixel_values"]
    np.testing.assert_allclose(served.model.pixel_values(crops), pixels, atol=1e-5)
    with torch.no_grad():
        outputs = model(pixel_values=torch.from_numpy(pixels))
    maps = processor.post_process_semantic_segmentation(
        outputs, target_sizes=[crop.shape[:2] for crop in crops])
    for ours, theirs in zip(served.predict(crops), maps):
        # float32 ties at the argmax: allow a handful of pixels in a million
        assert np.mean(ours != theirs.numpy()) < 1e-3
