"""dlib's face recognition ResNet in onnxruntime (models/convert_dlib.py) against dlib itself.

The reference is dlib's own `face_recognition_model_v1.compute_face_descriptor` on
the registry's .dat, run on the same 150x150 chips the served embedder cuts
(dlib.get_face_chip from the 5-point shape) from real photos' faces, found by the
MTCNN detector and cut with `crops.square_crop` as the front does.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from analyzers.face_models import embedding
from analyzers.runtime import crops
from models.convert_dlib import ANET_TYPE, DlibFormatError, read_network
from models.importer import check_signature
from models.registry import BY_NAME
from testkit import local_models as lm

PHOTOS = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg",
          "t1.jpg", "astronaut.png", "grace_hopper.jpg", "Tom_Hanks_54745.png"]
# Measured on these photos' 14 chips: at most 3.3e-7 apart (descriptors' entries are
# about +-0.3, norms about 1.4); float32 sums in another order, nothing more
DESCRIPTOR_TOLERANCE = 1e-5


def dat_bytes() -> bytes:
    return lm.files("face-embedding-dlib")["dlib_face_recognition_resnet_model_v1.dat"].read_bytes()


@pytest.fixture(scope="module")
def chips() -> dict[str, np.ndarray]:
    found = {}
    for name in PHOTOS:
        image = lm.load(name)
        batch = np.stack([crops.square_crop(image, face.box, crops.FACE_CROP_SIZE)[0]
                          for face in lm.faces_in(name)])
        for index, chip in enumerate(lm.embedder().chips(batch)):
            found[f"{name}#{index}"] = chip
    return found


@pytest.fixture(scope="module")
def both(chips) -> tuple[np.ndarray, np.ndarray]:
    """(ONNX descriptors of all chips in one run, dlib's descriptors of the same chips)."""
    batch = np.stack(list(chips.values()))
    reference = np.array(lm.dlib_encoder().compute_face_descriptor(list(batch)), np.float32)
    return lm.embedder().encode(batch), reference


def test_descriptors_match_dlib(chips, both):
    converted, reference = both
    assert len(chips) >= 14 and converted.shape == reference.shape == (len(chips), 128)
    assert np.abs(converted - reference).max() < DESCRIPTOR_TOLERANCE
    # raw descriptors, as dlib answers them (not unit vectors)
    assert 1.2 < np.linalg.norm(reference, axis=1).min()


def test_same_different_decisions_at_0_6_are_dlibs(chips, both):
    converted, reference = both
    names = list(chips)
    decided = 0
    for i, j in itertools.combinations(range(len(names)), 2):
        ours = embedding.compare(converted[i], converted[j])
        theirs = float(np.linalg.norm(reference[i] - reference[j]))
        assert ours["match"] == (theirs < embedding.DLIB_THRESHOLD), (names[i], names[j])
        assert ours["distance"] == pytest.approx(theirs, abs=1e-5)
        decided += 1
    assert decided >= 91
    # both kinds of decision occur among the pairs (the Obama photos, everyone else)
    obama = [i for i, name in enumerate(names) if name.startswith("obama")]
    assert embedding.compare(converted[obama[0]], converted[obama[1]])["match"]
    assert not embedding.compare(converted[obama[0]], converted[names.index("biden.jpg#0")])["match"]


def test_batch_of_one_equals_the_batch(chips, both):
    converted, _ = both
    first = next(iter(chips.values()))
    assert np.abs(lm.embedder().encode(first[None]) - converted[:1]).max() < 1e-6
    assert lm.embedder().encode(np.zeros((0, 150, 150, 3), np.uint8)).shape == (0, 128)


def test_predict_cuts_the_chips_dlib_would(chips, both):
    """predict (crops in, the service's call) = the chips' descriptors."""
    image = lm.load("obama.jpg")
    crop = crops.square_crop(image, lm.faces_in("obama.jpg")[0].box, crops.FACE_CROP_SIZE)[0]
    converted, _ = both
    index = list(chips).index("obama.jpg#0")
    assert np.abs(lm.embedder().predict(crop[None])[0] - converted[index]).max() < 1e-6


def test_the_converted_file_has_the_registry_signature(tmp_path):
    from models.convert import dlib_to_onnx

    source = BY_NAME["face-embedding-dlib"]
    converted = dlib_to_onnx(lm.files(source.name), tmp_path)
    assert set(converted) == {"dlib_face_recognition_resnet_model_v1.onnx",
                              "shape_predictor_5_face_landmarks.dat"}
    check_signature(source, converted)  # raises on a wrong input / output shape


def test_the_parser_reads_the_whole_network():
    layers = read_network(dat_bytes())
    kinds = [layer.kind for layer in layers]
    assert kinds[0] == "input" and kinds[-1] == "fc"
    assert kinds.count("con") == 29 and kinds.count("affine") == 29
    assert len(layers) == len(ANET_TYPE) - 1  # all but the loss layer
    np.testing.assert_allclose(layers[0].params["means"], [122.782, 117.001, 104.298], atol=1e-3)
    assert layers[-1].params["weights"].shape == (256, 128)


def test_a_truncated_file_is_refused_clearly():
    data = dat_bytes()
    for cut in (10, len(data) // 2, len(data) - 1):
        with pytest.raises(DlibFormatError, match="truncated"):
            read_network(data[:cut], "cut.dat")


def test_extra_bytes_are_refused():
    with pytest.raises(DlibFormatError, match="bytes follow the network"):
        read_network(dat_bytes() + b"\x00", "long.dat")


def test_another_file_is_refused_clearly():
    shape5 = lm.files("face-embedding-dlib")["shape_predictor_5_face_landmarks.dat"]
    with pytest.raises(DlibFormatError, match="shape_predictor_5"):
        read_network(shape5.read_bytes(), str(shape5))
    with pytest.raises(DlibFormatError, match="not this network|does not start"):
        read_network(b"\x89PNG\r\n\x1a\n" + bytes(64), "photo.png")


def test_a_changed_layer_is_refused():
    """The same bytes with the first convolution's filter count changed (32 -> 33 would
    not fit the reader's type of the network): refused, naming the layer."""
    data = bytearray(dat_bytes())
    marker = data.index(b"con_")  # the bottom convolution's details come first
    at = marker + len(b"con_5")
    # skip the parameters tensor: version 2, four dimensions, the floats
    from models.convert_dlib import _Reader

    reader = _Reader(bytes(data), "x")
    reader.pos = at
    reader.tensor("params")
    assert data[reader.pos:reader.pos + 2] == bytes([1, 32])  # num_filters, one byte: 32
    data[reader.pos + 1] = 33
    with pytest.raises(DlibFormatError, match=r"layer con\(32, 7, 2\)"):
        read_network(bytes(data), "changed.dat")
