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
