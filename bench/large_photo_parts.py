"""Where the front's own per-pixel and per-face work goes on the 1920 px 5-face photo
against the 1-face 640 px one, in-process: thread CPU ms a request of the detectors'
shrink (to 1600 px), MTCNN's area resizing (its summed-area tables and averages), and the four colour measures (which
run in the merge, after every model has answered).

    python -m bench.large_photo_parts [--requests 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from bench.workloads import LARGE, workloads

ONE = "analyze (1 face, 640 px)"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args(argv)

    from analyzers import detection, face_analysis
    from analyzers.face_analysis import Options
    from bench.topologies import in_process_analysis
    from inputs.imageio import decode_image
    from measures import colour

    spent: dict[str, float] = {}

    def timed(owner, name: str, label: str) -> None:
        method = getattr(owner, name)

        def run(*args, **kwargs):
            started = time.thread_time()
            try:
                return method(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.thread_time() - started
        setattr(owner, name, run)

    for name in ("skin_tone", "hair_colour", "eye_colour", "lip_colour"):
        timed(colour, name, name)
    timed(face_analysis, "shrunk", "shrink to 1600 px")
    timed(detection.AreaResizer, "squares", "MTCNN's area resizing")
    timed(detection.AreaResizer, "resize", "MTCNN's area resizing")
    analysis = in_process_analysis()
    for name in (ONE, LARGE):
        data = workloads()[name][1]["file"][1]
        asyncio.run(analysis.analyze(decode_image(data), Options()))  # warm up
        spent.clear()
        walls = []
        for _ in range(args.requests):
            started = time.perf_counter()
            asyncio.run(analysis.analyze(decode_image(data), Options()))
            walls.append((time.perf_counter() - started) * 1000)
        print(f"{name}: p50 {statistics.median(walls):.0f} ms; thread CPU ms a request: "
              + ", ".join(f"{label} {seconds / args.requests * 1000:.1f}"
                          for label, seconds in spent.items()))


if __name__ == "__main__":
    main()
