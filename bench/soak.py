"""Soak: N concurrent clients for a bounded time against the service on loopback,
mixing good and hostile requests; reports errors, RSS growth and latency.

    python -m bench.soak                          # starts its own server, 8 clients, 60 s
    python -m bench.soak --clients 4 --seconds 10
    python -m bench.soak --url http://127.0.0.1:3000 [--pid PID]   # a running server
    python -m bench.soak --json soak.json

An error is a 5xx, a connection failure or a timeout: there must be none. A
request whose status differs from the one expected for its kind is counted as
unexpected (also none). RSS is the sum over `bentoml serve` and every process
under it, after a warm-up and at the end (the peak seen in between too).
Traffic goes to the given loopback URL only, and stops by itself.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from PIL import Image

from testkit.attacks import jpeg_scan_bomb, nested_json
from testkit.photos import photo
from testkit.server import Server

LOOPBACK = ("127.0.0.1", "localhost", "::1")


# ---------------------------------------------------------------- requests
def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def request_mix() -> list[tuple[str, str, dict, int]]:
    """(name, path, httpx keyword arguments, expected status); good ones twice as often."""
    obama = photo("obama.jpg").read_bytes()
    obama2 = photo("obama2.jpg").read_bytes()
    pdf = io.BytesIO()
    Image.open(photo("obama.jpg")).convert("RGB").save(pdf, "PDF", resolution=200.0)
    scan_bomb = jpeg_scan_bomb(2000, 500)
    png_bomb = io.BytesIO()
    Image.new("1", (12000, 12000), 0).save(png_bomb, "PNG", optimize=True)
    good = [
        ("analyze", "/analyze", {"files": {"file": ("o.jpg", obama)}}, 200),
        ("analyze-base64", "/analyze-base64",
         {"json": {"image": base64.b64encode(obama).decode(), "attributes": ["age", "gender"]}},
         200),
        ("extract-face pdf", "/extract-face", {"files": {"file": ("id.pdf", pdf.getvalue())}},
         200),
        ("compare-faces", "/compare-faces",
         {"files": {"selfie": ("a.jpg", obama), "id_photo": ("b.jpg", obama2)}}, 200),
    ]
    bad = [
        ("empty file", "/analyze", {"files": {"file": ("e.jpg", b"")}}, 400),
        ("truncated jpeg", "/analyze", {"files": {"file": ("t.jpg", obama[:20000])}}, 400),
        ("text as jpeg", "/analyze", {"files": {"file": ("t.jpg", b"not an image " * 50)}}, 415),
        ("png bomb", "/analyze", {"files": {"file": ("b.png", png_bomb.getvalue())}}, 413),
        ("bad base64", "/analyze-base64", {"json": {"image": "%%%% not base64"}}, 400),
        ("wrong json shape", "/analyze-base64", {"json": [1, 2, 3]}, 400),
        ("1 MB field", "/analyze", {"files": {"file": ("o.jpg", obama)},
                                    "data": {"attributes": "a" * 1_000_000}}, 413),
        ("binary form field", "/analyze", {"files": {"file": ("o.jpg", obama),
                                                     "max_faces": ("m.bin", bytes(range(256)))}},
         400),
        ("url to metadata", "/analyze-base64",
         {"json": {"image_url": "http://169.254.169.254/latest/meta-data/"}}, 403),
        ("url to loopback", "/analyze-base64", {"json": {"image_url": "http://127.0.0.1:1/x"}},
         403),
        ("pdf page 99", "/extract-face", {"files": {"file": ("id.pdf", pdf.getvalue())},
                                          "data": {"page": "99"}}, 400),  # NSFAS: bad file
        # issue 18's classes: refused before any work
        ("jpeg scan bomb", "/analyze", {"files": {"file": ("b.jpg", scan_bomb)}}, 422),
        ("nested json field", "/analyze", {"files": {"file": ("o.jpg", obama)},
                                           "data": {"attributes": nested_json(5000)}}, 400),
        ("json as text/plain", "/analyze-base64",
         {"content": b'{"image": "x"}', "headers": {"Content-Type": "text/plain"}}, 415),
    ]
    return good + good + bad


# ------------------------------------------------------------------- memory
def server_pids(url: str, pid: int | None) -> list[int]:
    """The root `bentoml serve` process (given, or the one listening on the URL's
    port) and all its descendants."""
    import psutil

    if pid is None:
        port = urlsplit(url).port
        for connection in psutil.net_connections(kind="tcp"):
            if connection.laddr and connection.laddr.port == port \
                    and connection.status == psutil.CONN_LISTEN and connection.pid:
                pid = connection.pid
                break
        if pid is None:
            return []
        process = psutil.Process(pid)
        while process.parent() is not None and "bentoml" in " ".join(
                process.parent().cmdline()):
            process = process.parent()
        pid = process.pid
    try:
        root = psutil.Process(pid)
        return [root.pid] + [child.pid for child in root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


# --------------------------------------------------------------------- soak
@dataclass
class Tally:
    latencies: dict = field(default_factory=dict)  # kind -> [seconds]
    statuses: dict = field(default_factory=dict)  # kind -> {status: count}
    errors: list = field(default_factory=list)  # (kind, what)
    unexpected: list = field(default_factory=list)  # (kind, status, body)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client_loop(url: str, mix, stop_at: float, seed: int, tally: Tally, headers: dict):
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=120, headers=headers) as http:
        while time.monotonic() < stop_at:
            name, path, kwargs, expected = rng.choice(mix)
            started = time.perf_counter()
            try:
                response = http.post(path, **kwargs)
                status, body = response.status_code, response.text[:200]
            except httpx.HTTPError as problem:
                status, body = None, f"{type(problem).__name__}: {problem}"
            took = time.perf_counter() - started
            with tally.lock:
                tally.latencies.setdefault(name, []).append(took)
                tally.statuses.setdefault(name, {})
                tally.statuses[name][str(status)] = tally.statuses[name].get(str(status), 0) + 1
                if status is None or status >= 500:
                    tally.errors.append((name, status, body))
                elif status != expected:
                    tally.unexpected.append((name, status, body))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(url: str, clients: int = 8, seconds: float = 60, pid: int | None = None,
        pids=None, headers: dict | None = None, log=print) -> dict:
    """Soak the server at url; pids: a callable giving the server's process ids."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"the soak only talks to loopback, not {host}")
    headers = headers or {}
    mix = request_mix()
    find_pids = pids or (lambda: server_pids(url, pid))
    # one of each first, so that lazy start-up is not counted as growth
    with httpx.Client(base_url=url, timeout=120, headers=headers) as http:
        for name, path, kwargs, _expected in mix:
            http.post(path, **kwargs)
    rss_before = rss_mb(find_pids())
    peak = rss_before
    tally = Tally()
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=_client_loop, args=(url, mix, stop_at, seed, tally,
                                                           headers), daemon=True)
               for seed in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        time.sleep(1)
        peak = max(peak, rss_mb(find_pids()))
    elapsed = time.monotonic() - started
    time.sleep(1)  # let PDF child processes and request buffers go
    rss_after = rss_mb(find_pids())
    every = [t for values in tally.latencies.values() for t in values]
    good = [t for name, values in tally.latencies.items()
            for t in values if name in {m[0] for m in mix if m[3] == 200}]
    report = {
        "url": url, "clients": clients, "seconds": round(elapsed, 1), "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 2) if elapsed else 0,
        "errors": len(tally.errors), "unexpected": len(tally.unexpected),
        "p50_ms": round(percentile(every, 50) * 1000, 1),
        "p99_ms": round(percentile(every, 99) * 1000, 1),
        "good_p50_ms": round(percentile(good, 50) * 1000, 1),
        "good_p99_ms": round(percentile(good, 99) * 1000, 1),
        "rss_before_mb": rss_before, "rss_after_mb": rss_after, "rss_peak_mb": peak,
        "rss_growth_mb": round(rss_after - rss_before, 1),
        "per_kind": {name: {"count": len(values),
                            "p50_ms": round(statistics.median(values) * 1000, 1),
                            "statuses": tally.statuses[name]}
                     for name, values in sorted(tally.latencies.items())},
        "error_samples": tally.errors[:5], "unexpected_samples": tally.unexpected[:5],
    }
    log(f"soak: {clients} clients, {report['seconds']} s, {report['requests']} requests "
        f"({report['requests_per_s']}/s), errors {report['errors']}, unexpected "
        f"{report['unexpected']}")
    log(f"latency: p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms (good requests: "
        f"p50 {report['good_p50_ms']} ms, p99 {report['good_p99_ms']} ms)")
    log(f"server RSS: {rss_before} MB after warm-up, {rss_after} MB at the end "
        f"({report['rss_growth_mb']:+} MB), peak {peak} MB")
    for name, row in report["per_kind"].items():
        log(f"  {name:<20} {row['count']:>6}  p50 {row['p50_ms']:>8} ms  {row['statuses']}")
    for sample in report["error_samples"] + report["unexpected_samples"]:
        log(f"  ! {sample}")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (loopback); default: start one")
    parser.add_argument("--pid", type=int, help="its `bentoml serve` process id (for RSS)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--api-key", help="sent as X-API-Key")
    parser.add_argument("--json", help="write the report here")
    args = parser.parse_args()
    headers = {"X-API-Key": args.api_key} if args.api_key else {}
    if args.url:
        report = run(args.url, args.clients, args.seconds, pid=args.pid, headers=headers)
    else:
        with Server() as server:
            report = run(server.url, args.clients, args.seconds, pids=server.pids,
                         headers=headers)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0 if report["errors"] == 0 and report["unexpected"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
