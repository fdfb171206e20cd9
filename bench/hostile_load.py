"""Normal /analyze latency while each class of hostile load of issues 18 and 29 runs.

`python -m bench.hostile_load [--requests N] [--repeats R]` starts one server on
loopback and runs R rounds. Each round sends N normal /analyze requests
(obama.jpg, age and gender) one after another with nothing else running (the
quiet baseline), then the same N again while one attack runs alongside, for each
attack in `attacks`. The attacking clients run at nice 19 (the normal client and
the server at 0), as issue 29's run did: on a 2-core loopback the clients' own CPU
would otherwise be part of what is measured. It prints, per phase and round, the
normal requests' p50 and p99, p99 over that round's quiet p99 (target: under 2),
the normal requests that did not answer 200 (target: none), the statuses the
attack got and how long its answers took, and what was busy: the server's
processes' CPU (in cores) and the whole host's, and the server's RSS. Then per
class the median and the worst ratio of the R rounds, and for a class whose
median misses 2x the resource that was saturated. A last table says where the
normal requests' time went: the p99 of the server's own stage timings
(`timings_ms`: detection, the age / gender model, the analysis in all) and of what
the client waited beyond the analysis (upload, parsing, decoding, queueing).
`--only TEXT` runs the phases whose name contains TEXT (repeatable);
`--checkout PATH` serves another checkout (an export of an older commit, to
compare its ratios with this one's, each from its own run). Loopback
only (the slow upstream is a local server), bounded: N requests per phase, each
attack stops when its phase ends.
"""

from __future__ import annotations

import argparse
import base64
import os
import socket
import statistics
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import numpy as np

from bench.soak import rss_mb
from front import header_timeout
from testkit.attacks import (bmp_rle8_bomb, huge_photo, jpeg_scan_bomb,
                             jpeg_stray_byte_scan_bomb, nested_json, tiled_faces)
from testkit.photos import photo
from testkit.server import ROOT, Server

NORMAL = photo("obama.jpg").read_bytes()


# ------------------------------------------------------------------ attack material
class SlowUpstream:
    """A loopback image server that waits `delay` seconds before each answer."""

    def __init__(self, delay: float = 10.0):
        stop = self.stop = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                stop.wait(delay)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(NORMAL)))
                    self.end_headers()
                    self.wfile.write(NORMAL)
                except OSError:  # the server gave up first (FACE_URL_TIMEOUT_S)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/slow.jpg"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


#: The crowd: 20 x 20 copies of obama.jpg's face, 80 px tiles, 1600 px a side.
#: Every one is found at the detector's working size (1600 px): the 32 x 32 sheet
#: of 100 px tiles used before (3200 px) shrinks to faces under the detector's
#: 40 px minimum and had none found, so it measured two empty detections, not a
#: crowd. Each request analyses the FACE_MAX_FACES (100) largest.
CROWD_FACES = 400


def crowd() -> bytes:
    return tiled_faces(20, tile=80)


# ------------------------------------------------------------------ attacks
#: Shortest phase: longer than the header timeout (FACE_HEADER_TIMEOUT_S, which the
#: server reads from the same environment), so that the slow-header phase shows
#: whether the server closes those connections.
PHASE_MIN_S = header_timeout.HEADER_SECONDS + 5.0
#: Seconds each attacking client waits between its requests (--interval); 0:
#: back to back, which also measures a flood of that request, not only its kind.
INTERVAL = [0.0]


class Tally:
    """What one attack got: statuses (or what went wrong) and, for its answers,
    the seconds each took."""

    def __init__(self):
        self.statuses, self.seconds, self.details = Counter(), [], {}

    def __getitem__(self, key):
        return self.statuses[key]

    def __setitem__(self, key, value):
        self.statuses[key] = value


def niced() -> None:
    """This thread at nice 19 (Linux sets nice per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except OSError:
        pass


def repeat(post, clients: int):
    """An attack: `clients` threads calling post(http) until told to stop; `post`
    may be a list, the clients then taking its items in turn (mixed load)."""
    posts = post if isinstance(post, list) else [post]

    def attack(url: str, stop: threading.Event, tally: Tally):
        def loop(index):
            niced()
            post = posts[index % len(posts)]
            with httpx.Client(base_url=url, timeout=120) as http:
                while not stop.is_set():
                    started = time.perf_counter()
                    try:
                        response = post(http)
                        tally[response.status_code] += 1
                        tally.seconds.append(time.perf_counter() - started)
                        if response.status_code >= 500:  # the first reason of each
                            tally.details.setdefault(response.status_code, response.text[:200])
                    except httpx.HTTPError as problem:
                        tally[type(problem).__name__] += 1
                    stop.wait(INTERVAL[0])
        threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        return threads
    return attack


def slowloris(connections: int = 200):
    def attack(url: str, stop: threading.Event, statuses: Tally):
        address = urlsplit(url)

        def hold():
            niced()
            sockets = []
            for _ in range(connections):
                try:
                    sock = socket.create_connection((address.hostname, address.port), 5)
                    sock.sendall(b"POST /analyze HTTP/1.1\r\nHost: x\r\n")
                    sockets.append(sock)
                except OSError:
                    statuses["refused"] += 1
            while not stop.wait(1.0):  # a header byte a second on each
                for sock in list(sockets):
                    try:
                        sock.sendall(b"X")
                    except OSError:
                        statuses["closed by server"] += 1
                        sockets.remove(sock)
            statuses["still open"] += len(sockets)
            for sock in sockets:
                sock.close()
        thread = threading.Thread(target=hold)
        thread.start()
        return [thread]
    return attack


def charset_attack() -> tuple[bytes, str]:
    """Issue 29's SSRF request: `file` spelt in UTF-16-LE holding a URL (400 now)."""
    body = (b'--BND\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
            b'{}\r\n--BND\r\nContent-Disposition: form-data; name="' + "file".encode("utf-16-le")
            + b'"\r\n\r\n' + "http://100.64.0.1/x.jpg".encode("utf-16-le") + b"\r\n--BND--\r\n")
    return body, "multipart/form-data; boundary=BND; charset=utf-16-le"


def attacks(upstream: SlowUpstream) -> dict:
    # the sizes issue 18 tried: a 6000x6000 bomb of 2000 scans, 40 MP photos
    bomb, many, huge = jpeg_scan_bomb(6000, 2000), crowd(), huge_photo()
    deep = nested_json(5000)
    # issue 29's: the stray-byte scan bomb, a 9 KB RLE8 BMP, 31 MiB and 4 MiB bodies of
    # [, a legitimate 13 MB base64 body, the charset request
    stray, rle = jpeg_stray_byte_scan_bomb(3000, 1000), bmp_rle8_bomb(8000, 2000)
    deep_31, deep_4 = b"[" * (31 << 20), b"[" * (4 << 20)
    big_json = ('{"image": "' + base64.b64encode(huge).decode() + '", "attributes": "age"}'
                ).encode() if len(huge) < 10 << 20 else None
    charset_body, charset_type = charset_attack()
    pdf = photo_pdf()
    mixed = [
        lambda http: http.post("/analyze", files={"file": ("o.jpg", NORMAL)}),
        lambda http: http.post("/analyze", files={"file": ("h.jpg", huge)},
                               data={"attributes": "age"}),
        lambda http: http.post("/templates/extract", files={"file": ("c.jpg", many)}),
        lambda http: http.post("/analyze-base64", content=big_json,
                               headers={"Content-Type": "application/json"}),
        lambda http: http.post("/extract-face", files={"file": ("d.pdf", pdf)}),
        lambda http: http.post("/analyze", files={"file": ("b.jpg", stray)}),
        lambda http: http.post("/analyze", files={"file": ("r.bmp", rle)}),
        lambda http: http.post("/v1/models/insightface:detect", content=deep_4,
                               headers={"Content-Type": "application/json"}),
    ]
    return {
        "charset SSRF request x4": repeat(
            lambda http: http.post("/analyze", content=charset_body,
                                   headers={"Content-Type": charset_type}), 4),
        "31 MiB nested JSON body x4": repeat(
            lambda http: http.post("/v1/models/insightface:detect", content=deep_31,
                                   headers={"Content-Type": "application/json"}), 4),
        "4 MiB nested JSON body x4": repeat(
            lambda http: http.post("/v1/models/insightface:detect", content=deep_4,
                                   headers={"Content-Type": "application/json"}), 4),
        "13 MB base64 JSON body (40 MP photo) x2": repeat(
            lambda http: http.post("/analyze-base64", content=big_json,
                                   headers={"Content-Type": "application/json"}), 2),
        "stray-byte scan bomb x7": repeat(
            lambda http: http.post("/analyze", files={"file": ("b.jpg", stray)}), 7),
        "9 KB RLE8 BMP of 8000x2000 x4": repeat(
            lambda http: http.post("/analyze", files={"file": ("r.bmp", rle)}), 4),
        "mixed load x16": repeat(mixed, 16),
        "progressive-JPEG scan bomb x7": repeat(
            lambda http: http.post("/analyze", files={"file": ("b.jpg", bomb)}), 7),
        "slow upstream image_url x18": repeat(
            lambda http: http.post("/analyze-base64", json={"image_url": upstream.url}), 18),
        "nested JSON in form fields x4": repeat(
            lambda http: http.post("/analyze", files={"file": ("o.jpg", NORMAL)},
                                   data={"attributes": deep}), 4),
        f"{CROWD_FACES}-face photo on /templates/extract x2": repeat(
            lambda http: http.post("/templates/extract", files={"file": ("c.jpg", many)}), 2),
        f"{CROWD_FACES}-face photo on /analyze x2": repeat(
            lambda http: http.post("/analyze", files={"file": ("c.jpg", many)}), 2),
        "40 MP photos x4": repeat(
            lambda http: http.post("/analyze", files={"file": ("h.jpg", huge)},
                                   data={"attributes": "age"}), 4),
        "JSON as text/plain x4": repeat(
            lambda http: http.post("/analyze-base64", content=b'{"image": "x"}',
                                   headers={"Content-Type": "text/plain"}), 4),
        "slow headers (slowloris) x200": slowloris(200),
    }


def photo_pdf() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.open(photo("obama.jpg")).convert("RGB").save(buffer, "PDF", resolution=200.0)
    return buffer.getvalue()


# ------------------------------------------------------------------ what was busy
TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_s(pids) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / TICKS


def host_cpu() -> tuple[float, float]:
    """(busy, all) jiffies of the whole host since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Busy:
    """What the server and the host used between start() and stop()."""

    def __init__(self, server):
        self.server = server

    def start(self):
        self.wall, self.cpu = time.monotonic(), process_cpu_s(self.server.pids())
        self.host = host_cpu()
        self.peak_rss = rss_mb(self.server.pids())
        return self

    def sample(self):
        self.peak_rss = max(self.peak_rss, rss_mb(self.server.pids()))

    def stop(self) -> dict:
        wall = time.monotonic() - self.wall
        busy, total = (a - b for a, b in zip(host_cpu(), self.host))
        return {"server_cores": (process_cpu_s(self.server.pids()) - self.cpu) / wall,
                "host_busy": busy / total if total else float("nan"),
                "cores": os.cpu_count(), "server_rss_mb": self.peak_rss}


def saturated(busy: dict) -> str:
    """The resource a phase ran out of, from what was busy."""
    if busy["host_busy"] > 0.9:
        share = busy["server_cores"] / busy["cores"]
        return (f"host CPU ({busy['host_busy']:.0%} busy, the server {share:.0%} of it"
                + ("; the rest other processes" if share < 0.6 else "") + ")")
    if busy["server_cores"] > 0.8:
        return f"the server's CPU ({busy['server_cores']:.1f} cores)"
    return (f"not CPU ({busy['host_busy']:.0%} host busy): waiting (a queue, a pool, "
            "a lock or the network)")


# ------------------------------------------------------------------ measuring
#: The server's stage timings reported per phase (timings_ms of /analyze)
STAGES = ("detection", "age_gender", "total")


def normal_stream(url: str, requests: int) -> tuple[list[float], Counter, dict]:
    """Latencies (ms) of the 200s, statuses, and per stage the server's timings
    plus "outside": the client's wait beyond the analysis's total."""
    latencies, statuses, stages = [], Counter(), {s: [] for s in (*STAGES, "outside")}
    with httpx.Client(base_url=url, timeout=120) as http:
        for _ in range(requests):
            started = time.perf_counter()
            response = http.post("/analyze", files={"file": ("o.jpg", NORMAL)},
                                 data={"attributes": "age,gender"})
            statuses[response.status_code] += 1
            if response.status_code == 200:
                latencies.append((time.perf_counter() - started) * 1000)
                timings = response.json().get("timings_ms", {})
                for stage in STAGES:
                    stages[stage].append(timings.get(stage, float("nan")))
                stages["outside"].append(latencies[-1] - timings.get("total", float("nan")))
    return latencies, statuses, stages


def p99(values) -> float:
    return float(np.percentile(values, 99)) if len(values) else float("nan")


def summary(name: str, latencies, statuses, tally: Tally | None, quiet_p99, stages,
            busy: dict | None = None, round_: int = 0) -> dict:
    p50 = statistics.median(latencies) if latencies else float("nan")
    seconds = tally.seconds if tally else []
    return {"phase": name, "p50_ms": p50, "p99_ms": p99(latencies),
            "p99_ratio": p99(latencies) / quiet_p99 if quiet_p99 else float("nan"),
            "normal_not_200": sum(v for k, v in statuses.items() if k != 200),
            "normal_5xx": sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500),
            "attack": dict(tally.statuses) if tally else {},
            "attack_5xx_details": tally.details if tally else {},
            "attack_s": (statistics.median(seconds), max(seconds)) if seconds else None,
            "stages_p99_ms": {stage: p99(values) for stage, values in stages.items()},
            "busy": busy or {}, "round": round_}


def run(requests: int, only: list[str] | None = None, checkout: Path = ROOT,
        repeats: int = 3) -> list[dict]:
    upstream = SlowUpstream()
    env = {"FACE_URL_ALLOWLIST": "127.0.0.1"}  # the slow upstream is on loopback
    rows = []
    try:
        with Server(env=env, cwd=checkout) as server:
            normal_stream(server.url, 3)  # warm-up
            for round_ in range(1, repeats + 1):
                settle(server.url)  # the last round's queued work must not be the baseline
                busy = Busy(server).start()
                latencies, statuses, stages = normal_stream(server.url, requests)
                quiet_p99 = p99(latencies)
                rows.append(summary("quiet", latencies, statuses, None, quiet_p99, stages,
                                    busy.stop(), round_))
                print(rows[-1], flush=True)
                for name, attack in attacks(upstream).items():
                    if only and not any(part in name for part in only):
                        continue
                    rows.append(phase(server, name, attack, requests, quiet_p99, round_))
                    print(rows[-1], flush=True)
    finally:
        upstream.close()
    return rows


def settle(url: str, most_s: float = 120.0) -> None:
    """Wait until three normal requests in a row answer 200 within 2 s (a mixed load's
    queued model calls ran on for a minute after it stopped), at most `most_s`."""
    ended, row = time.monotonic() + most_s, 0
    with httpx.Client(base_url=url, timeout=60) as http:
        while row < 3 and time.monotonic() < ended:
            started = time.perf_counter()
            response = http.post("/analyze", files={"file": ("o.jpg", NORMAL)},
                                 data={"attributes": "age,gender"})
            fast = response.status_code == 200 and time.perf_counter() - started < 2.0
            row = row + 1 if fast else 0


def phase(server, name, attack, requests, quiet_p99, round_) -> dict:
    stop, tally = threading.Event(), Tally()
    threads = attack(server.url, stop, tally)
    time.sleep(2.0)  # let the attack take hold
    busy = Busy(server).start()
    sampling = threading.Event()

    def sample():
        while not sampling.wait(1.0):
            busy.sample()

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    latencies, statuses, stages = normal_stream(server.url, requests)
    # long enough for the header timeout to show (front/header_timeout.py)
    time.sleep(max(0.0, PHASE_MIN_S - (time.monotonic() - started)))
    used = busy.stop()
    sampling.set()
    sampler.join()
    stop.set()
    for thread in threads:
        thread.join()
    return summary(name, latencies, statuses, tally, quiet_p99, stages, used, round_)


def per_class(rows: list[dict]) -> str:
    """Median and worst ratio of each class over its rounds, and what saturated."""
    lines = ["| class | runs | p99 / quiet p99, median | worst | normal not 200 (all runs) "
             "| 5xx to the attack | saturated (median run) |", "|---|---:|---:|---:|---:|---:|---|"]
    names = list(dict.fromkeys(row["phase"] for row in rows if row["phase"] != "quiet"))
    for name in names:
        runs = sorted((row for row in rows if row["phase"] == name),
                      key=lambda row: row["p99_ratio"])
        middle = runs[(len(runs) - 1) // 2] if len(runs) % 2 else runs[len(runs) // 2 - 1]
        ratios = [row["p99_ratio"] for row in runs]
        five = sum(v for row in runs for k, v in row["attack"].items()
                   if isinstance(k, int) and k >= 500)
        median = statistics.median(ratios)
        busy = middle["busy"]
        lines.append(f"| {name} | {len(runs)} | {median:.2f} | {max(ratios):.2f} | "
                     f"{sum(row['normal_not_200'] for row in runs)} | {five} | "
                     + (saturated(busy) if median > 2 and busy else
                        f"- ({busy.get('server_cores', float('nan')):.1f} server cores, "
                        f"{busy.get('host_busy', float('nan')):.0%} host)") + " |")
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    lines = [("| phase | round | normal p50 ms | normal p99 ms | p99 / quiet p99 "
              "| normal not 200 | attack's answers | attack's answer s (p50 / max) "
              "| server cores | host busy | server RSS MB |"),
             "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for row in rows:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(row["attack"].items(), key=str))
        took = "{:.1f} / {:.1f}".format(*row["attack_s"]) if row["attack_s"] else "-"
        busy = row.get("busy") or {}
        lines.append(f"| {row['phase']} | {row.get('round', '')} | {row['p50_ms']:.0f} | "
                     f"{row['p99_ms']:.0f} | {row['p99_ratio']:.2f} | {row['normal_not_200']} "
                     f"| {answers or '-'} | {took} | {busy.get('server_cores', float('nan')):.2f}"
                     f" | {busy.get('host_busy', float('nan')):.0%} | "
                     f"{busy.get('server_rss_mb', float('nan')):.0f} |")
    return "\n".join(lines)


def stages_table(rows: list[dict]) -> str:
    """Where the normal requests' time went: p99 per stage, in ms."""
    names = (*STAGES, "outside")
    lines = ["| phase | round | " + " | ".join(f"{n} p99 ms" for n in names) + " |",
             "|---|---:|" + "---:|" * len(names)]
    for row in rows:
        lines.append(f"| {row['phase']} | {row.get('round', '')} | " + " | ".join(
            f"{row['stages_p99_ms'][n]:.0f}" for n in names) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # 60: the p99 of 30 requests is their slowest one, and the 40 MP phase's ratio
    # swung 1.5-2.5 between runs of the same code with 30; 1.35 and 1.53 with 60
    # (docs/benchmarks.md, 2026-11-29 (evening))
    parser.add_argument("--requests", type=int, default=60,
                        help="normal requests per phase (default 60)")
    parser.add_argument("--interval", type=float, default=0.0,
                        help="seconds each attacking client waits between requests "
                             "(default 0: back to back)")
    parser.add_argument("--only", action="append",
                        help="run only the phases whose name contains this (repeatable)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="rounds: each class runs this many times (default 3)")
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="the checkout to serve (default: this one)")
    args = parser.parse_args()
    INTERVAL[0] = args.interval
    rows = run(args.requests, args.only, args.checkout.resolve(), args.repeats)
    print(per_class(rows))
    print()
    print(table(rows))
    print()
    print(stages_table(rows))


if __name__ == "__main__":
    main()
