"""bench/metrics.py on toy data computed by hand, and bench/accuracy.py on a small slice
of ../shared/labelled-faces with the default models in-process."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path

import pytest

from bench import accuracy, metrics

# ------------------------------------------------------------ metrics, toy data
# scores 0.9 0.8 0.7 0.6 0.5 0.4 with labels P P N P N N:
# thresholds 0.9: tp1 fp0 | 0.8: 2,0 | 0.7: 2,1 | 0.6: 3,1 | 0.5: 3,2 | 0.4: 3,3
SCORES = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
LABELS = [True, True, False, True, False, False]


def test_roc_points():
    curve = metrics.roc(SCORES, LABELS)
    assert curve["thresholds"] == [math.inf] + SCORES
    assert curve["tpr"] == pytest.approx([0, 1 / 3, 2 / 3, 2 / 3, 1, 1, 1])
    assert curve["fpr"] == pytest.approx([0, 0, 0, 1 / 3, 1 / 3, 2 / 3, 1])


def test_roc_ties_move_together():
    curve = metrics.roc([0.5, 0.5, 0.1], [True, False, False])
    assert curve["thresholds"] == [math.inf, 0.5, 0.1]
    assert curve["tpr"] == [0.0, 1.0, 1.0] and curve["fpr"] == [0.0, 0.5, 1.0]


def test_roc_auc_by_counting_pairs():
    # positives 0.9 0.8 0.6 vs negatives 0.7 0.5 0.4: 9 pairs, only 0.6 < 0.7 is wrong
    assert metrics.roc_auc(SCORES, LABELS) == pytest.approx(8 / 9)
    assert metrics.roc_auc([0.5, 0.5], [True, False]) == 0.5  # a tie counts half
    assert metrics.roc_auc([1, 0], [False, True]) == 0.0
    assert math.isnan(metrics.roc_auc([1, 2], [True, True]))


def test_eer_and_its_threshold():
    # at 0.7: FAR 1/3 (0.7), FRR 1/3 (0.6 missed) -> EER 1/3; at 0.6 FAR 1/3, FRR 0
    rate, threshold = metrics.eer(SCORES, LABELS)
    assert rate == pytest.approx(1 / 3) and threshold == 0.7
    assert metrics.eer([0.9, 0.1], [True, False]) == (0.0, 0.9)


def test_tar_at_far():
    # FAR <= 0: at most threshold 0.8 -> TAR 2/3; FAR <= 0.34 allows 0.6 (not 0.5, FAR 2/3)
    assert metrics.tar_at_far(SCORES, LABELS, 0.0) == pytest.approx((2 / 3, 0.0, 0.8))
    assert metrics.tar_at_far(SCORES, LABELS, 0.34) == pytest.approx((1.0, 1 / 3, 0.6))
    assert metrics.tar_at_far(SCORES, LABELS, 1e-3)[2] == 0.8


def test_wilson_interval():
    # 8/10, z 1.96: centre (0.8 + 0.192) / 1.38415 = 0.71668,
    # half 1.96 * sqrt(0.016 + 0.0096) / 1.38415 = 0.22656 -> [0.4901, 0.9432]
    low, high = metrics.wilson(8, 10)
    assert low == pytest.approx(0.4901, abs=2e-4) and high == pytest.approx(0.9432, abs=2e-4)
    assert metrics.wilson(0, 5)[0] == 0.0 and metrics.wilson(5, 5)[1] == 1.0
    assert metrics.wilson(0, 0) is None
    assert metrics.proportion(3, 4) == {"value": 0.75, "k": 3, "n": 4,
                                        "ci95": [round(v, 4) for v in metrics.wilson(3, 4)]}


def test_bootstrap_brackets_the_mean_and_repeats():
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    first = metrics.bootstrap(lambda v: float(v.mean()), values)
    assert first == metrics.bootstrap(lambda v: float(v.mean()), values)  # fixed seed
    assert 1.0 <= first[0] < 4.5 < first[1] <= 8.0
    assert metrics.bootstrap(lambda v: float(v.mean()), [1.0]) is None


def test_apcer_bpcer():
    # live scores 0.9 0.4, attacks 0.6 0.2 0.1 at 0.5: one attack accepted, one live rejected
    apcer, bpcer = metrics.apcer_bpcer([0.9, 0.4, 0.6, 0.2, 0.1],
                                       [True, True, False, False, False], 0.5)
    assert (apcer["k"], apcer["n"], bpcer["k"], bpcer["n"]) == (1, 3, 1, 2)
    assert apcer["value"] == pytest.approx(1 / 3) and bpcer["value"] == 0.5


def test_accuracy_and_confusion():
    truth, predicted = ["a", "a", "b", "c"], ["a", "b", "b", "a"]
    assert metrics.accuracy(truth, predicted)["value"] == 0.5
    matrix = metrics.confusion_matrix(truth, predicted)
    assert matrix["labels"] == ["a", "b", "c"]
    assert matrix["rows"]["a"] == {"a": 1, "b": 1, "c": 0}
    assert matrix["rows"]["c"] == {"a": 1, "b": 0, "c": 0}


def test_mae_by_band():
    truth, predicted = [5, 10, 15, 30], [7, 10, 11, 35]  # errors 2 0 4 5
    assert metrics.mae(truth, predicted)["value"] == pytest.approx(11 / 4)
    bands = metrics.mae_by_band(truth, predicted, accuracy.AGE_BANDS)
    assert bands["under 13"]["value"] == 1.0 and bands["under 13"]["n"] == 2
    assert bands["13-19"]["value"] == 4.0 and bands["20 and over"]["value"] == 5.0
    assert metrics.mae([], [])["value"] is None


def test_box_matching():
    assert metrics.iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(50 / 150)
    labelled = [(0, 0, 10, 10), (20, 20, 30, 30)]
    found = [(1, 1, 10, 10), (0, 0, 9, 9), (50, 50, 60, 60)]
    assert metrics.match_boxes(labelled, found) == 1  # one found box per labelled box


def test_balanced_slice_sees_every_class():
    rows = [("a", i) for i in range(5)] + [("b", i) for i in range(5)]
    chosen = accuracy.balanced(rows, lambda r: r[0], 4)
    assert [r[0] for r in chosen] == ["a", "b", "a", "b"]
    assert accuracy.balanced(rows, lambda r: r[0], None) == rows


def test_dlib_boxes_are_read(tmp_path):
    (tmp_path / "boxes.xml").write_text(
        "<dataset><images><image file='x.jpg'><box top='10' left='20' width='5' height='6'/>"
        "<box top='1' left='1' width='1' height='1' ignore='1'/></image></images></dataset>")
    assert accuracy.read_dlib_boxes(tmp_path / "boxes.xml", "d") == {
        "d/x.jpg": [(20.0, 10.0, 25.0, 16.0)]}


class FakeLooks:
    """A backend whose look at a photo is a preset ethnicity answer (None: no face)."""

    def __init__(self, answers):
        self.answers, self.asked = answers, []

    async def look(self, path, attributes, embed):
        self.asked.append((Path(path).name, attributes, embed))
        answer = self.answers[Path(path).name]
        first = None if answer is None else {"ethnicity": {"dominant": answer}}
        return {"boxes": [] if first is None else [[0, 0, 1, 1]], "first": first,
                "embedding": None}


def test_race_counts_answers_off_each_persons_majority(tmp_path):
    rows = ["path,source,identity,label_kind,label"]
    people = {"a": ["white", "white", "black"], "b": ["asian", "indian"], "c": ["white"],
              "d": ["black", None]}
    answers = {}
    for person, found in people.items():
        for index, answer in enumerate(found):
            name = f"{person}{index}.jpg"
            rows.append(f"images/src_{person}/{name},s,{person},identity,{person}")
            answers[name] = answer
    (tmp_path / "index.csv").write_text("\n".join(rows) + "\n")
    backend = FakeLooks(answers)
    harness = accuracy.Harness(accuracy.Labels(tmp_path), backend, fields=("race",))
    report = asyncio.run(harness.race())
    # a: 1 of 3 off its majority; b: 1 of 2 (a tie: one of them is wrong either way);
    # c has one photo, d one answered photo: neither counts
    assert report["error_lower_bound"]["k"] == 2 and report["error_lower_bound"]["n"] == 5
    assert report["people"] == 3 and report["no_face"] == 1
    assert report["answers"] == {"asian": 1, "black": 2, "indian": 1, "white": 2}
    assert set(report["error_lower_bound_by_source"]) == {"src_a", "src_b"}
    # only the ethnicity attribute is asked for, no embedding
    assert {(attributes, embed) for _, attributes, embed in backend.asked} == {
        (("ethnicity",), False)}


# ------------------------------------------------- the harness on real photos
DATA = accuracy.default_data()


@pytest.mark.skipif(DATA is None, reason="../shared/labelled-faces (the labelled photos) "
                                         "is not next to this checkout")
def test_harness_on_a_slice_of_labelled_faces(default_models, tmp_path):
    # default_models: on a new machine nothing else has imported them yet (this file runs first)
    out = tmp_path / "accuracy.json"
    table = tmp_path / "accuracy.md"
    accuracy.main(["--data", str(DATA), "--limit", "4", "--json", str(out),
                   "--markdown", str(table)])
    report = json.loads(out.read_text())
    fields = report["fields"]
    assert set(fields) == set(accuracy.FIELDS)
    assert report["mode"] == "in-process" and report["models"]["detection"]
    assert report["errors"] == []

    detection = fields["detection"]["all"]
    assert detection["labelled"] > 0 and 0.5 <= detection["recall"]["value"] <= 1

    verification = fields["verification"]
    assert verification["pairs"] == 4 and verification["same"] + verification[
        "different"] + verification["not_compared"] == 4
    if verification["compared"] == 4:
        assert 0 <= verification["eer"]["value"] <= 0.5
        assert verification["at_model_threshold"]["accuracy"]["n"] == 4

    age = fields["age"]
    assert age["photos"] == 4 and 0 <= age["mae"]["value"] < 40
    low, high = age["mae"]["ci95"]
    assert low <= age["mae"]["value"] <= high

    for name in ("gender", "emotion"):
        result = fields[name]["accuracy"]
        assert result["n"] + fields[name]["no_face"] == 4
        assert 0 <= result["ci95"][0] <= result["value"] <= result["ci95"][1] <= 1
    assert fields["gender"]["accuracy"]["value"] >= 0.5  # 4 clear portraits

    liveness = fields["liveness"]
    assert liveness["photos"] == 4
    if "roc_auc" in liveness:
        assert 0 <= liveness["roc_auc"]["value"] <= 1
        assert liveness["at_threshold"]["apcer"]["n"] == liveness["spoof"]
        assert set(liveness["roc_auc_by_model"]) == {"antispoof", "liveness"}
        assert set(liveness["at_threshold_by_model"]) == {"antispoof", "liveness"}
        assert liveness["at_bpcer_target"]["bpcer"]["n"] == liveness["live"]
        assert 0 <= liveness["mean_of_both"]["roc_auc"]["value"] <= 1

    blend = fields["blendshapes"]  # a reason where the model or MediaPipe's bundle is missing
    assert "reason" in blend or (blend["photos"] == 4 and len(blend["per_score"]) == 52
                                 and 0 <= blend["mae_all"]["value"] <= 1)

    mask = fields["mask"]
    assert mask["photos"] == 4
    assert mask["accuracy"]["n"] + mask["no_face"] + mask["skipped"] == 4

    markdown = table.read_text()
    assert markdown.startswith("| field | measure |")
    for name in accuracy.FIELDS:
        assert f"| {name} |" in markdown


@pytest.mark.skipif(DATA is None, reason="../shared/labelled-faces (the labelled photos) "
                                         "is not next to this checkout")
def test_detections_are_kept_and_reused(default_models, tmp_path):
    cache = tmp_path / "faces.json"
    first = accuracy.measure(DATA, limit=2, fields=("gender",), detections=cache)
    stored = json.loads(cache.read_text())
    # 2 labelled photos and 2 FG-NET photos whose gender was set by eye (Harness.gender)
    assert stored["detector"] == first["models"]["detection"] and len(stored["faces"]) == 4
    assert stored["code"] == accuracy.detection_code()
    backend = accuracy.InProcess(cache)

    async def refuse(image):
        raise AssertionError("the detector was asked again")

    backend.analysis.detect = refuse
    harness = accuracy.Harness(accuracy.Labels(DATA), backend, 2, fields=("gender",))
    again = asyncio.run(harness.gender())
    assert again["accuracy"] == first["fields"]["gender"]["accuracy"]
    # detections kept by other detection code are not reused
    cache.write_text(json.dumps({**stored, "code": "0" * 16}))
    assert accuracy.InProcess(cache).detections == {}


@pytest.mark.skipif(DATA is None, reason="../shared/labelled-faces (the labelled photos) "
                                         "is not next to this checkout")
def test_harness_against_the_server(server):
    """--url asks the endpoints (/analyze, /liveness, /mask) the same questions."""
    report = accuracy.measure(DATA, url=server, limit=2,
                              fields=("detection", "verification", "gender", "liveness", "mask"))
    fields = report["fields"]
    assert report["mode"] == f"server {server}" and report["errors"] == []
    assert report["models"]["detection"].startswith("face-detector-")
    assert fields["detection"]["all"]["recall"]["value"] >= 0.5
    assert fields["verification"]["pairs"] == 2
    assert fields["gender"]["accuracy"]["n"] + fields["gender"]["no_face"] == 2
    assert fields["liveness"]["photos"] == 2 and fields["mask"]["photos"] == 2
    assert fields["mask"]["accuracy"]["n"] + fields["mask"]["no_face"] + fields["mask"][
        "skipped"] == 2
