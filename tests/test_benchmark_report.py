"""bench.benchmark's arithmetic on a report of made-up figures: the targets it prints
and target 2's decomposition (no server: the benchmark itself measures)."""

from __future__ import annotations

import math

from bench.benchmark import LARGE, targets, throughput_factors

ONE, SIX = "analyze (1 face, 640 px)", "analyze (6 faces, t1.jpg)"


def report() -> dict:
    def load(images_per_s, cpu):
        return [{"clients": 1, "images_per_s": 1.0, "cpu_ms_per_request": {}},
                {"clients": 16, "images_per_s": images_per_s, "cpu_ms_per_request": cpu}]

    return {
        "cores": 2,
        "server": {ONE: load(30.0, {"front": 20.0, "detector": 40.0}),
                   SIX: load(6.0, {"front": 60.0, "detector": 200.0})},
        "in_process": {
            ONE: {"p50_ms": 40.0, "cpu_ms": 50.0, "served_p50_ms": 50.0,
                  "stages_p50_ms": {"detection": 12.0, "total": 40.0}},
            SIX: {"p50_ms": 160.0, "cpu_ms": 220.0, "served_p50_ms": 170.0,
                  "stages_p50_ms": {}},
            LARGE: {"p50_ms": 190.0, "cpu_ms": 250.0, "served_p50_ms": 200.0},
            "compare-faces (640 px pair)": {"served_p50_ms": 60.0},
        },
        "peer_face_recognition": {"compare-faces (640 px pair)": {"p50_ms": 400.0}},
        "batching": {"on": {"images_per_s": 6.0}, "off": {"images_per_s": 5.0}},
        "rss_mb": {"after_start": 2048.0, "after_load": 2560.0},
        "poisoning": {"ratio": 1.05},
    }


def test_targets_are_ratios_of_the_report():
    rows = {what: (value, met) for what, value, _, met in targets(report())}
    assert rows[f"overhead, served / in-process p50 (alternating), {ONE}"] == (1.25, False)
    limit = [what for what in rows if what.startswith("throughput") and ONE in what][0]
    assert "(50.0 images/s)" in limit and rows[limit] == (0.6, False)  # 30 / (2000 / 40)
    assert rows[f"in-process CPU / served CPU per request (the ceiling's share), {SIX}"] \
        == (220.0 / 260.0, True)
    assert rows["compare-faces p50 / face_recognition's"] == (0.15, True)
    assert rows["detection / in-process total, 1 face"] == (0.3, True)
    assert rows["total RSS after start, GB (not a ratio)"] == (2.0, True)
    assert rows[f"served p50, {LARGE} / 1 face 640 px"] == (4.0, False)


def test_throughput_factors_multiply_to_target_2():
    figures = report()
    ratios = {what: value for what, value, _, _ in targets(figures)
              if what.startswith("throughput")}
    rows = throughput_factors(figures)
    assert [row[0] for row in rows] == [ONE, SIX]
    for name, best, share, busy, product in rows:
        ratio = [value for what, value in ratios.items() if name in what][0]
        assert math.isclose(float(best) * float(share) * float(busy), ratio, abs_tol=0.02)
        assert math.isclose(float(product), ratio, abs_tol=0.006)
    # the 1-face photo: at most 40 / 50 of the limit even with no overhead at all
    assert rows[0][1:] == ["0.80", "0.83", "0.90", "0.60"]


def topologies_report() -> dict:
    """bench.topologies' figures, made up: two rounds of each topology."""
    def side(served_one, local_one, local_cpu, images_per_s, large, batch_ratio):
        return {"served": {ONE: served_one, LARGE: large}, "in_process": {ONE: local_one},
                "in_process_cpu": {ONE: local_cpu},
                "burst": {"images_per_s": images_per_s, "cpu_ms_per_request": {"front": 30.0},
                          "cores_busy": {"front": 0.6}, "host_cores_busy": 1.9,
                          "clients_cores_busy": 0.2},
                "batch": {"ratio": batch_ratio}}

    return {"cores": 2, "rss_mb_after_load": {"per-model": 2048.0, "compact": 768.0},
            "processes": {"per-model": 14, "compact": 3},
            "rounds": [{"per-model": side(60.0, 50.0, 80.0, 20.0, 240.0, 1.4),
                        "compact": side(54.0, 50.0, 80.0, 22.0, 150.0, 1.1)},
                       {"per-model": side(66.0, 50.0, 80.0, 21.0, 250.0, 1.5),
                        "compact": side(53.0, 50.0, 80.0, 23.0, 160.0, 1.3)}]}


def test_issue30_targets_per_topology():
    from bench.topologies import targets as issue30_targets

    rows = {row["what"]: row for row in issue30_targets(topologies_report())}
    rss = rows["total RSS after load, GB"]
    assert rss["values"]["compact"][0] == 0.75 and rss["met"] == {"per-model": False,
                                                                    "compact": True}
    overhead = rows["1 face served / in-process p50"]
    assert math.isclose(overhead["values"]["per-model"][0], (1.2 + 1.32) / 2)
    assert overhead["met"] == {"per-model": False, "compact": True}
    # the CPU ceiling: 2 cores x 1000 / 80 ms = 25 images/s
    throughput = [row for what, row in rows.items() if what.startswith("16 clients")][0]
    assert math.isclose(throughput["values"]["compact"][0], 22.5 / 25)
    assert throughput["met"] == {"per-model": False, "compact": True}
    assert "host 1.90 of 2 cores busy" in throughput["bound"]["compact"]
    large = rows[f"served p50, {LARGE} / 1 face"]
    assert large["met"] == {"per-model": False, "compact": True}
    batch = rows["64 photos as one batch / 64 singles at 16 clients, images/s"]
    assert batch["values"]["per-model"][0] == 1.45 and batch["met"]["compact"] is False


def test_issue30_table_names_every_target_for_both_topologies():
    from bench.benchmark import issue30_table

    stages = {"stages": {"detection": {"alone_over_bare_cpu": (1.4, 1.5)},
                         "age_gender": {"alone_over_bare_cpu": (1.6, 1.7)},
                         "emotion": {"alone_over_bare_cpu": None}},
              "large_over_one": {"in_process_p50_ms": (3.5, 4.0)}}
    text = issue30_table(topologies_report(), stages)
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    assert "per-model" in text and "compact" in text
    assert lines["stage detection: in-process / bare networks, CPU (one figure)"].count(
        "1.40 (1.50) met") == 2
    assert "1.60 (1.70) MISSED" in lines[
        "stage age_gender: in-process / bare networks, CPU (one figure)"]
    assert "0.75 (0.75) met" in lines["total RSS after load, GB"]
    assert not any(line.startswith("stage emotion") for line in lines)
