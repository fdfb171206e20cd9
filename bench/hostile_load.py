"""Normal /analyze latency while each class of hostile load of issue 18 runs.

`python -m bench.hostile_load [--requests N]` starts one server on loopback, sends
N normal /analyze requests (obama.jpg, age and gender) one after another with
nothing else running (the quiet baseline), then the same N again while one
attack runs alongside, for each attack in ATTACKS. It prints, per phase, the
normal requests' p50 and p99, p99 over the quiet p99 (target: under 2), the
normal requests that did not answer 200 (target: none), and the statuses the
attack got. Loopback only (the slow upstream is a local server), bounded:
N requests per phase, each attack stops when its phase ends.
"""

from __future__ import annotations

import argparse
import io
import socket
import statistics
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import numpy as np
from PIL import Image

from testkit.attacks import jpeg, jpeg_scan_bomb, nested_json, tiled_faces
from testkit.photos import photo
from testkit.server import Server

NORMAL = photo("obama.jpg").read_bytes()


# ------------------------------------------------------------------ attack material
def huge_photo() -> bytes:
    """obama.jpg upscaled to 39.8 MP, just under FACE_MAX_PIXELS."""
    image = Image.open(io.BytesIO(NORMAL)).convert("RGB")
    return jpeg(image.resize((5600, 7100)), quality=80)


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


# ------------------------------------------------------------------ attacks
#: Shortest phase: longer than the header timeout (10 s), so that the slow-header
#: phase shows whether the server closes those connections.
PHASE_MIN_S = 15.0
#: Seconds each attacking client waits between its requests (--interval); 0:
#: back to back, which also measures a flood of that request, not only its kind.
INTERVAL = [0.0]


def repeat(post, clients: int):
    """An attack: `clients` threads calling post(http) until told to stop."""
    def attack(url: str, stop: threading.Event, statuses: Counter):
        def loop():
            with httpx.Client(base_url=url, timeout=120) as http:
                while not stop.is_set():
                    try:
                        statuses[post(http).status_code] += 1
                    except httpx.HTTPError as problem:
                        statuses[type(problem).__name__] += 1
                    stop.wait(INTERVAL[0])
        threads = [threading.Thread(target=loop) for _ in range(clients)]
        for thread in threads:
            thread.start()
        return threads
    return attack


def slowloris(connections: int = 200):
    def attack(url: str, stop: threading.Event, statuses: Counter):
        address = urlsplit(url)

        def hold():
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


def attacks(upstream: SlowUpstream) -> dict:
    # the sizes issue 18 tried: a 6000x6000 bomb of 2000 scans, 32x32 faces
    bomb, many, huge = jpeg_scan_bomb(6000, 2000), tiled_faces(32, tile=100), huge_photo()
    deep = nested_json(5000)
    return {
        "progressive-JPEG scan bomb x7": repeat(
            lambda http: http.post("/analyze", files={"file": ("b.jpg", bomb)}), 7),
        "slow upstream image_url x18": repeat(
            lambda http: http.post("/analyze-base64", json={"image_url": upstream.url}), 18),
        "nested JSON in form fields x4": repeat(
            lambda http: http.post("/analyze", files={"file": ("o.jpg", NORMAL)},
                                   data={"attributes": deep}), 4),
        "1024-face photo on /templates/extract x2": repeat(
            lambda http: http.post("/templates/extract", files={"file": ("c.jpg", many)}), 2),
        "40 MP photos x4": repeat(
            lambda http: http.post("/analyze", files={"file": ("h.jpg", huge)},
                                   data={"attributes": "age"}), 4),
        "JSON as text/plain x4": repeat(
            lambda http: http.post("/analyze-base64", content=b'{"image": "x"}',
                                   headers={"Content-Type": "text/plain"}), 4),
        "slow headers (slowloris) x200": slowloris(200),
    }


# ------------------------------------------------------------------ measuring
def normal_stream(url: str, requests: int) -> tuple[list[float], Counter]:
    latencies, statuses = [], Counter()
    with httpx.Client(base_url=url, timeout=120) as http:
        for _ in range(requests):
            started = time.perf_counter()
            response = http.post("/analyze", files={"file": ("o.jpg", NORMAL)},
                                 data={"attributes": "age,gender"})
            statuses[response.status_code] += 1
            if response.status_code == 200:
                latencies.append((time.perf_counter() - started) * 1000)
    return latencies, statuses


def summary(name: str, latencies, statuses, attack_statuses, quiet_p99) -> dict:
    p50 = statistics.median(latencies) if latencies else float("nan")
    p99 = float(np.percentile(latencies, 99)) if latencies else float("nan")
    return {"phase": name, "p50_ms": p50, "p99_ms": p99,
            "p99_ratio": p99 / quiet_p99 if quiet_p99 else float("nan"),
            "normal_not_200": sum(v for k, v in statuses.items() if k != 200),
            "normal_5xx": sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500),
            "attack": dict(attack_statuses)}


def run(requests: int) -> list[dict]:
    upstream = SlowUpstream()
    env = {"FACE_URL_ALLOWLIST": "127.0.0.1"}  # the slow upstream is on loopback
    rows = []
    try:
        with Server(env=env) as server:
            normal_stream(server.url, 3)  # warm-up
            latencies, statuses = normal_stream(server.url, requests)
            quiet_p99 = float(np.percentile(latencies, 99))
            rows.append(summary("quiet", latencies, statuses, {}, quiet_p99))
            print(rows[-1], flush=True)
            for name, attack in attacks(upstream).items():
                stop, attack_statuses = threading.Event(), Counter()
                threads = attack(server.url, stop, attack_statuses)
                time.sleep(2.0)  # let the attack take hold
                started = time.monotonic()
                latencies, statuses = normal_stream(server.url, requests)
                # long enough for the header timeout to show (front/header_timeout.py)
                time.sleep(max(0.0, PHASE_MIN_S - (time.monotonic() - started)))
                stop.set()
                for thread in threads:
                    thread.join()
                rows.append(summary(name, latencies, statuses, attack_statuses, quiet_p99))
                print(rows[-1], flush=True)
    finally:
        upstream.close()
    return rows


def table(rows: list[dict]) -> str:
    lines = [("| phase | normal p50 ms | normal p99 ms | p99 / quiet p99 | normal not 200 "
              "| attack's answers |"), "|---|---:|---:|---:|---:|---|"]
    for row in rows:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(row["attack"].items(), key=str))
        lines.append(f"| {row['phase']} | {row['p50_ms']:.0f} | {row['p99_ms']:.0f} | "
                     f"{row['p99_ratio']:.2f} | {row['normal_not_200']} | {answers or '-'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=15,
                        help="normal requests per phase (default 15)")
    parser.add_argument("--interval", type=float, default=0.0,
                        help="seconds each attacking client waits between requests "
                             "(default 0: back to back)")
    args = parser.parse_args()
    INTERVAL[0] = args.interval
    print(table(run(args.requests)))


if __name__ == "__main__":
    main()
