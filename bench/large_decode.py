"""What a very large JPEG costs the front before any model runs, decoded whole or
reduced (FACE_ANALYSIS_MAX_SIDE; front/flows/analysis.py analyze_reduced).

`python -m bench.large_decode [--rounds 5]` decodes the 39.8 MP photo of
bench/hostile_load.py (obama.jpg upscaled to 5600 x 7100) whole, at 1/2 (the finest
/analyze decodes it at, FACE_ANALYSIS_MAX_SIDE 4096) and at 1/4 (the detection
decode, which /analyze keeps when every face is MIN_ANALYSED_FACE wide in it, as this
photo's is), taking turns, and shrinks each to the detector's 1600 px as
FaceAnalysis.detect does; it prints the CPU milliseconds of each step (median of
the rounds) and each way's total as a ratio of the whole decode's, measured side by
side in one run.
"""

from __future__ import annotations

import argparse
import statistics
import time

from analyzers.detectors.base import MAX_SIDE as DETECTION_MAX_SIDE, shrunk
from testkit.attacks import huge_photo
from inputs.imageio import decode_image, decode_scaled

WAYS = {
    "whole": lambda data: decode_image(data),
    "1/2 (FACE_ANALYSIS_MAX_SIDE 4096)": lambda data: decode_scaled(
        data, None, lambda width, height: 2).image,
    "1/4 (the detection decode)": lambda data: decode_scaled(
        data, None, lambda width, height: 4).image,
}


def measure(rounds: int) -> dict:
    data = huge_photo()
    times = {way: {"decode": [], "shrink": []} for way in WAYS}
    shapes = {}
    for _ in range(rounds):
        for way, decode in WAYS.items():  # taking turns: the host's speed drifts
            started = time.process_time()
            image = decode(data)
            decoded = time.process_time()
            shrunk(image, DETECTION_MAX_SIDE)  # as FaceAnalysis.detect does
            times[way]["decode"].append(decoded - started)
            times[way]["shrink"].append(time.process_time() - decoded)
            shapes[way] = image.shape
    return {way: {"shape": shapes[way],
                  **{step: 1000 * statistics.median(values) for step, values in steps.items()}}
            for way, steps in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    found = measure(args.rounds)
    whole = found["whole"]["decode"] + found["whole"]["shrink"]
    print("| decode | size | decode CPU ms | shrink to 1600 px ms | total / whole |")
    print("|---|---|---:|---:|---:|")
    for way, row in found.items():
        total = row["decode"] + row["shrink"]
        print(f"| {way} | {row['shape'][1]} x {row['shape'][0]} | {row['decode']:.0f} | "
              f"{row['shrink']:.0f} | {total / whole:.2f} |")


if __name__ == "__main__":
    main()
