"""A short soak of the shared server: 4 clients for 10 s of good and hostile
requests (bench/soak.py; run it longer by hand): no 5xx, no connection errors,
every request answered with the status of its kind."""

from __future__ import annotations

from bench import soak


def test_short_soak_has_no_errors(server_handle):
    lines = []
    report = soak.run(server_handle.url, clients=4, seconds=10, pids=server_handle.pids,
                      log=lines.append)
    summary = "\n".join(lines)
    print(summary)
    assert report["requests"] > 20, summary
    assert report["errors"] == 0, summary
    assert report["unexpected"] == 0, summary
    assert report["per_kind"]["analyze"]["statuses"] == {"200": report["per_kind"]["analyze"]["count"]}
    # a generous guard, not a measurement: a leak of this size would be a bug
    assert report["rss_growth_mb"] < 1024, summary
