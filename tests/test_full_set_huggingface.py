"""The set-`full` Hugging Face models (models/hf.py) with tiny random checkpoints that
carry the real label sets (testkit/tiny_hf.py): `--from` a save_pretrained folder
(the ONNX export runs and is checked against torch), the download through
huggingface_hub from a local stand-in for the Hub, the analyzers' shapes and label
sets, and a server on a store that has them answering /analyze's new fields."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import numpy as np
import pytest
import yaml

from analyzers.face_models import classifiers, parsing
from models.fetch import sha256_of
from models.registry import BY_NAME, sources_in
from testkit.model_store import linked_store, models_env
from testkit.photos import photo
from testkit.server import Server
from testkit.tiny_hf import (
    CLASSIFIERS,
    PARSER,
    SEGFORMER_SIZE,
    labels_of,
    save_all,
    save_vit,
)
from tests.hf_hub_server import COMMIT, HubStandIn

ROOT = Path(__file__).resolve().parent.parent
FULL = (*CLASSIFIERS, PARSER)



@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict:
    """The five tiny checkpoints imported with --from into a throwaway store (in parallel)."""
    root = tmp_path_factory.mktemp("hf")
    folders = save_all(root / "pretrained")
    home = root / "home"
    running = {name: subprocess.Popen(
        [sys.executable, "-m", "models", "import", "--only", name, "--from", str(folder)],
        cwd=ROOT, env=models_env(home), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True) for name, folder in folders.items()}
    for name, process in running.items():
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, f"{name}: {output}"
    return {"root": root, "home": home, "folders": folders}


def stored_folder(home: Path, name: str) -> Path:
    [version] = [p for p in (home / "models" / name).iterdir() if p.is_dir()]
    return version


def test_registry_lists_the_five_in_set_full():
    assert set(FULL) <= {s.name for s in sources_in("full")}
    for name in FULL:
        source = BY_NAME[name]
        assert source.hf_repo and source.convert == "hf_to_onnx" and not source.local_only
        assert source.license == "unknown — check the model card"
    assert BY_NAME["hair-type-vit"].metadata["labels"] == [
        "curly", "dreadlocks", "kinky", "straight", "wavy"]
    assert len(BY_NAME[PARSER].metadata["labels"]) == 18


@pytest.mark.parametrize("name", FULL)
def test_import_from_save_pretrained_stores_onnx_labels_and_preprocessing(imported, name):
    folder = stored_folder(imported["home"], name)
    assert {p.name for p in folder.iterdir()} >= {"model.onnx", "labels.json",
                                                  "preprocess.json", "model.yaml"}
    assert json.loads((folder / "labels.json").read_text()) == labels_of(name)
    prep = json.loads((folder / "preprocess.json").read_text())
    assert prep["resample_name"] == "bilinear" and len(prep["mean"]) == 3
    assert prep["onnx_max_abs_diff"] < 1e-4
    info = yaml.safe_load((folder / "model.yaml").read_text())
    assert info["labels"]["set"] == "full" and info["labels"]["source"].startswith("local:")
    saved = imported["folders"][name]
    assert {a["file"]: a["sha256"] for a in info["metadata"]["artifacts"]} == {
        p.name: sha256_of(p) for p in saved.iterdir()}
    assert info["metadata"]["served_labels"] == labels_of(name)


def test_carried_in_models_are_current(imported):
    again = subprocess.run(
        [sys.executable, "-m", "models", "import", "--only", "hair-type-vit", "--from",
         str(imported["folders"]["hair-type-vit"])], cwd=ROOT, env=models_env(imported["home"]),
        capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "already in the store" in again.stdout
    listed = subprocess.run([sys.executable, "-m", "models", "list"], cwd=ROOT,
                            env=models_env(imported["home"]), capture_output=True, text=True,
                            timeout=120)
    rows = [line for line in listed.stdout.splitlines() if line.split()[0] in FULL]
    assert len(rows) == 5 and all("full" in row and "outdated" not in row for row in rows), rows


def test_from_a_folder_without_weights_is_refused(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    result = subprocess.run(
        [sys.executable, "-m", "models", "import", "--only", "hair-type-vit", "--from",
         str(tmp_path)], cwd=ROOT, env=models_env(tmp_path / "home"), capture_output=True,
        text=True, timeout=120)
    assert result.returncode == 1 and "lacks config.json or a .safetensors file" in result.stderr


# ------------------------------------------------------------------ analyzers
@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classifier_answers_its_label_set(imported, name):
    model = classifiers.ImageClassifier(stored_folder(imported["home"], name))
    rng = np.random.default_rng(0)
    faces = rng.integers(0, 255, (3, classifiers.CROP_SIZE, classifiers.CROP_SIZE, 3), np.uint8)
    answers = model.predict(faces)
    assert len(answers) == 3 and model.predict(faces[:0]) == []
    for answer in answers:
        assert list(answer["scores"]) == labels_of(name)
        assert answer["label"] in labels_of(name)
        assert abs(sum(answer["scores"].values()) - 1) < 1e-3
        assert answer["confidence"] == max(answer["scores"].values())
        field = classifiers.as_field(answer)
        assert field["dominant"] == answer["label"].lower()


def test_onnx_matches_the_transformers_model(imported):
    """The served path (cv2 resize + normalise + onnxruntime) against torch on the
    same pixel values."""
    import torch

    from models.hf import load_torch

    name = "face-obstruction-vit"
    model = classifiers.ImageClassifier(stored_folder(imported["home"], name))
    faces = np.random.default_rng(1).integers(0, 255, (2, 64, 64, 3), np.uint8)
    pixels = model.pixel_values(faces)
    with torch.no_grad():
        expected = load_torch(imported["folders"][name])(
            pixel_values=torch.from_numpy(pixels)).logits.numpy()
    np.testing.assert_allclose(model.logits(faces), expected, atol=1e-4)


def test_parser_returns_crop_sized_label_maps(imported):
    parser = parsing.HumanParser(stored_folder(imported["home"], PARSER))
    crops = np.random.default_rng(0).integers(0, 255, (2, 96, 96, 3), np.uint8)
    maps = parser.predict(crops)
    assert maps.shape == (2, 96, 96) and maps.dtype == np.uint8
    assert maps.max() < 18 and parser.labels == labels_of(PARSER)


def test_hair_description_from_a_label_map():
    labels = labels_of(PARSER)
    hair, hat = labels.index("Hair"), labels.index("Hat")
    crop = np.full((200, 200, 3), 200, np.uint8)
    label_map = np.zeros((200, 200), np.uint8)
    face = (80, 60, 120, 110)  # face height 50, chin at y = 110
    label_map[40:160, 70:130] = hair  # reaches 50 px (1 face height) below the chin
    crop[label_map == hair] = (30, 20, 15)
    label_map[45:70, 80:120] = hat
    result = parsing.describe(label_map, crop, face, labels)
    assert result["length"]["value"] == "long" and result["length"]["below_chin"] == pytest.approx(
        0.98, abs=0.01)
    assert result["colour"]["name"] in ("black", "dark brown") and result["colour"]["hex"]
    assert result["hat"]["value"] is True
    short = np.zeros_like(label_map)
    short[40:90, 70:130] = hair
    assert parsing.describe(short, crop, face, labels)["length"]["value"] == "short"
    assert parsing.describe(short, crop, face, labels)["hat"]["value"] is False
    bald = parsing.describe(np.zeros_like(label_map), crop, face, labels)
    assert bald["length"]["value"] is None and "no hair" in bald["colour"]["reason"]


def test_parsing_crop_maps_the_face_back():
    image = np.zeros((400, 300, 3), np.uint8)
    crop, transform = parsing.prepare(image, (100, 100, 160, 170))
    assert crop.shape == (parsing.CROP_SIZE, parsing.CROP_SIZE, 3)
    x1, y1, x2, y2 = parsing.face_box_in_crop((100, 100, 160, 170), transform)
    side = parsing.CROP_SIZE / parsing.PARSE_SCALE  # the face box's larger side in the crop
    assert y2 - y1 == pytest.approx(side, rel=1e-6) and (x1 + x2) / 2 == pytest.approx(
        parsing.CROP_SIZE / 2)
    assert y1 < parsing.CROP_SIZE / 2 - 0.5 * side  # the face sits above the centre


# ---------------------------------------------------- download from the "Hub"
def test_download_through_huggingface_hub_from_a_stand_in(tmp_path):
    repo = BY_NAME["face-gender-vit"].hf_repo
    folder = save_vit(tmp_path / "repo", labels_of("face-gender-vit"))
    (folder / "README.md").write_text("model card")  # not needed for serving: not fetched
    (folder / "pytorch_model.bin").write_bytes(b"old format")  # likewise
    home, cache = tmp_path / "home", tmp_path / "cache"
    with HubStandIn({repo: folder}) as hub:
        env = models_env(home, HF_ENDPOINT=hub.url, FACE_ANALYSIS_CACHE=str(cache),
                         HF_HUB_DISABLE_TELEMETRY="1")
        command = [sys.executable, "-m", "models", "import", "--only", "face-gender-vit"]
        first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                               timeout=180)
        assert first.returncode == 0, first.stdout + first.stderr
        fetched = sorted(p.rsplit("/", 1)[1] for p in hub.seen
                         if p.startswith("GET") and "/resolve/" in p)
        assert fetched == ["config.json", "model.safetensors", "preprocessor_config.json"]
        assert f"GET /api/models/{repo}/revision/main" in hub.seen
        requests = len(hub.seen)
        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                               timeout=180)
        assert again.returncode == 0 and "already in the store" in again.stdout
        assert len(hub.seen) == requests  # current: no network
        missing = subprocess.run(
            [sys.executable, "-m", "models", "import", "--only", "hair-type-vit"], cwd=ROOT,
            env=env, capture_output=True, text=True, timeout=180)
        assert missing.returncode == 1 and "could not download" in missing.stderr
    info = yaml.safe_load((stored_folder(home, "face-gender-vit") / "model.yaml").read_text())
    assert info["labels"]["source"] == f"hf:{repo}@{COMMIT}"
    assert info["labels"]["revision"] == "main"
    assert {a["file"] for a in info["metadata"]["artifacts"]} == {
        "config.json", "model.safetensors", "preprocessor_config.json"}
    assert info["metadata"]["served_labels"] == labels_of("face-gender-vit")


# -------------------------------------------- a server on a store that has them
@pytest.fixture(scope="module")
def server(default_models, imported):
    """The default store's models (linked) plus the five imported tiny models."""
    home = linked_store(imported["root"] / "serve-home",
                        *(imported["home"] / "models" / n for n in FULL))
    with Server(env={"BENTOML_HOME": str(home)},
                log_path=ROOT / ".pytest_cache" / "server-hf.log") as running:
        yield running


def test_analyze_answers_the_new_fields(server):
    with httpx.Client(base_url=server.url, timeout=120) as http:
        response = http.post("/analyze", files={"file": ("t1.jpg", photo("t1.jpg").read_bytes())})
        only = http.post("/analyze", files={"file": ("t1.jpg", photo("t1.jpg").read_bytes())},
                         data={"attributes": "age,ethnicity"})
        health = http.get("/health").json()
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["faces"], body
    models = body["models"]
    assert models["gender"].startswith("face-gender-vit:")  # auto: the ViT answers
    assert models["age"].startswith("face-age-gender-cydral:")
    assert "ethnicity" not in models  # race is opt-in
    assert models["obstruction"].startswith("face-obstruction-vit:")
    assert models["hair"].startswith(f"{PARSER}:")
    assert models["hair.type"].startswith("hair-type-vit:")
    for index, face in enumerate(body["faces"]):
        assert face["gender"]["value"] in ("female", "male")
        assert set(face["gender"]["scores"]) == {"female", "male"}
        assert "ethnicity" not in face
        for field, name in (("obstruction", "face-obstruction-vit"),):
            assert set(face[field]["scores"]) == set(labels_of(name))
            assert face[field]["dominant"] in labels_of(name)
        hair = face["hair"]
        assert set(hair) >= {"type", "length", "colour", "hat"}
        assert hair["type"]["dominant"] in labels_of("hair-type-vit")
        assert hair["length"]["value"] in ("short", "medium", "long", None)
        if index < 5:  # FACE_PARSING_MAX_FACES
            assert isinstance(hair["hat"]["value"], bool)
        else:
            assert hair["hat"] is None and "FACE_PARSING_MAX_FACES" in hair["length"]["reason"]
    assert only.status_code == 200, only.text
    face = only.json()["faces"][0]
    assert "ethnicity" in face and "obstruction" not in face and "hair" not in face
    assert set(face["ethnicity"]["scores"]) == set(labels_of("face-ethnicity-vit"))
    assert only.json()["models"]["ethnicity"].startswith("face-ethnicity-vit:")
    assert "gender" not in face
    assert health["models"]["parsing"].startswith(f"{PARSER}:")
    assert SEGFORMER_SIZE == 128  # the tiny parser runs at 128 px: the test stays quick


def test_the_ethnicity_classifier_fills_race_in_the_other_shapes(server):
    import base64

    from compat.scales import title_gender

    data = photo("obama.jpg").read_bytes()
    with httpx.Client(base_url=server.url, timeout=120) as http:
        native = http.post("/analyze", files={"file": ("o.jpg", data)},
                           data={"attributes": "ethnicity"})
        shaped = http.post("/analyze", files={"file": ("o.jpg", data)},
                           data={"output_format": "scaleflex"})
        detected = http.post("/v1/models/insightface:detect",
                             json={"image_base64": base64.b64encode(data).decode()})
    for response in (native, shaped, detected):
        assert response.status_code == 200, response.text
    ethnicity = native.json()["faces"][0]["ethnicity"]
    face = shaped.json()["faces"]["face_0"]
    assert face["dominant_race"] == ethnicity["dominant"]
    assert face["races"] == {k: round(v * 100, 2) for k, v in ethnicity["scores"].items()}
    assert "races" not in face["unavailable"]
    [inface] = detected.json()["faces"]
    # InsightFace spells its labels capitalised ("Asian", issue 17: compat/scales.py)
    assert inface["race"] == title_gender(ethnicity["dominant"])
    assert "race" not in inface["unavailable"]


# ------------------------------------------ which model answers, without a server
def fake(answer):
    async def predict(batch):
        return [answer] * len(batch)
    return predict


def fake_analysis(tasks: dict, gender_task="age_gender", faces=1):
    from analyzers.face_analysis import FaceAnalysis

    async def detect(images):
        return [[{"box": (40 - i, 40, 100 - i, 110), "score": 0.99,
                  "keypoints": np.array([[55, 65], [85, 65], [70, 80], [58, 95], [82, 95]])}
                 for i in range(faces)]]

    predictors = {"detection": detect, **tasks}
    return FaceAnalysis(predictors, {t: f"{t}-model:v1" for t in predictors},
                        gender_task=gender_task)


def run_analysis(analysis, attributes="age,gender,ethnicity,obstruction,hair"):
    import asyncio

    from analyzers.face_analysis import Options

    image = np.full((200, 160, 3), 128, np.uint8)
    return asyncio.run(analysis.analyze(image, Options.parse(attributes)))


AGE_GENDER = {"age": 30.0, "age_bracket": "25-34",
              "gender": {"value": "male", "confidence": 0.9, "scores": {"female": 0.1, "male": 0.9}}}
VIT_FEMALE = {"label": "Female", "confidence": 0.8, "scores": {"Female": 0.8, "Male": 0.2}}


def test_without_the_optional_models_the_fields_are_absent():
    result = run_analysis(fake_analysis({"age_gender": fake(AGE_GENDER)}))
    [face] = result["faces"]
    assert face["gender"]["value"] == "male"
    assert not {"obstruction", "hair"} & set(face)
    assert not {"obstruction", "hair", "hair.type"} & set(result["models"])
    # race has a default-set model (GEAR): asked for without it, null with the reason
    assert face["ethnicity"] is None and set(face["unavailable"]) == {"ethnicity"}


def test_the_vit_answers_gender_when_chosen_and_a_failing_model_says_why():
    async def broken(batch):
        raise RuntimeError("boom")

    analysis = fake_analysis({"age_gender": fake(AGE_GENDER), "gender": fake(VIT_FEMALE),
                              "ethnicity": broken}, gender_task="gender")
    result = run_analysis(analysis)
    [face] = result["faces"]
    assert face["gender"] == {"value": "female", "confidence": 0.8,
                              "scores": {"female": 0.8, "male": 0.2}}
    assert face["age"] == 30.0 and result["models"]["gender"] == "gender-model:v1"
    assert face["ethnicity"] is None and "boom" in face["unavailable"]["ethnicity"]
    assert "obstruction" not in face and "hair" not in face


def test_only_the_largest_faces_are_parsed(monkeypatch):
    from analyzers import tasks

    monkeypatch.setattr(tasks, "PARSING_MAX_FACES", 1)
    seen = []

    async def parser(batch):
        seen.append(len(batch))
        return np.zeros((len(batch), 512, 512), np.uint8)

    analysis = fake_analysis({"parsing": parser}, faces=2)
    analysis.labels["parsing"] = labels_of(PARSER)
    first, second = run_analysis(analysis, "hair")["faces"]
    assert seen == [1]
    assert first["hair"]["hat"] == {"value": False, "coverage": 0.0}
    assert "no hair" in first["hair"]["colour"]["reason"]
    assert second["hair"]["length"]["value"] is None
    assert "FACE_PARSING_MAX_FACES" in second["hair"]["colour"]["reason"]


def test_hair_with_one_model_failing_names_the_null_parts():
    async def broken(batch):
        raise RuntimeError("parser down")

    analysis = fake_analysis({"parsing": broken, "hair_type": fake(
        {"label": "wavy", "confidence": 0.6, "scores": {"curly": 0.4, "wavy": 0.6}})})
    result = run_analysis(analysis, "hair")
    [face] = result["faces"]
    assert face["hair"]["type"]["dominant"] == "wavy" and face["hair"]["length"] is None
    assert set(face["unavailable"]) == {"hair.length", "hair.colour", "hair.hat"}
    assert "parser down" in face["unavailable"]["hair.hat"]
    assert result["models"]["hair"] is None and result["models"]["hair.type"] == "hair_type-model:v1"


def test_the_parser_runs_few_crops_at_a_time():
    """SegFormer-B5's memory grows with the batch (6.8 GB for 8 crops): its service
    takes at most FACE_PARSING_MAX_BATCH crops a run (BentoML splits larger calls)."""
    import model_services as ms
    import settings
    from models.registry import BY_NAME

    limit = int(settings.read(BY_NAME["human-parsing-segformer"].max_batch_setting))
    assert limit == 4
    if ms.BATCHING:  # BentoML splits a merged run too
        assert ms.HumanParsingModel.apis["predict"].max_batch_size == 4
        assert ms.FaceEthnicityVitModel.apis["predict"].max_batch_size == \
            ms.BATCH["max_batch_size"]
    # and the service runs a larger call in parts itself, batching on or off
    runs = []

    def run(batch):
        runs.append(len(batch))
        return batch * 2

    answer = ms.in_parts(run, np.arange(10), limit)
    assert runs == [4, 4, 2] and answer.tolist() == [2 * i for i in range(10)]
    assert ms.in_parts(run, np.arange(3), 4).tolist() == [0, 2, 4] and runs[-1] == 3
