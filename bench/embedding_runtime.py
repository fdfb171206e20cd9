"""dlib's face recognition ResNet: dlib's own encoder against the ONNX conversion
that serves it (models/convert_dlib.py), side by side on the same chips (issue 15).

`python -m bench.embedding_runtime [--rounds 5] [--threads 1]` cuts the chips of
the test photos' faces (MTCNN, square_crop, dlib's 5-point get_face_chip: the
served path), then in each round runs the two encoders in turn on them:
- ms per face at batch 1 (each chip its own call) and batch 16 (one call);
- the GIL: a pure-Python thread counts while one batch of 16 runs, against its
  count alone for as long; 1.0 = the encoder let it run all the time, ~0 = the
  encoder held the GIL. Two encoder threads at once against one after the other
  is printed too (2.0 = fully parallel), but needs two idle cores to mean much;
- the chip cut (shape predictor + get_face_chip) per face, and its GIL share;
- the GIL share beside sha256 of 256 MB, which releases the GIL: what "free" reads
  on this host under its other load (two cores shared).
Medians over the rounds. The two encoders' descriptors are compared as well.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from analyzers.runtime import crops
from analyzers.face_models.embedding import DlibEmbedder
from models.convert import dlib_to_onnx
from testkit import local_models as lm

PHOTOS = ["t1.jpg", "obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "astronaut.png",
          "grace_hopper.jpg", "Tom_Hanks_54745.png", "obama_partial_face.jpg"]
BATCH = 16
CONTROL = bytes(256 << 20)  # 256 MB: about as long to hash as a batch takes to encode


def face_crops() -> np.ndarray:
    found = []
    for name in PHOTOS:
        image = lm.load(name)
        found += [crops.square_crop(image, face.box, crops.FACE_CROP_SIZE)[0]
                  for face in lm.faces_in(name)]
    while len(found) < BATCH:  # fewer faces than a batch: repeat them
        found += found[:BATCH - len(found)]
    return np.stack(found[:BATCH])


def gil_share(work) -> tuple[float, float]:
    """(seconds `work` took, the share of that time a counting Python thread got,
    relative to its count alone for the same time)."""
    def count(stop: threading.Event, out: list) -> None:
        n = 0
        while not stop.is_set():
            n += 1
        out.append(n)

    stop, counted = threading.Event(), []
    counter = threading.Thread(target=count, args=(stop, counted))
    counter.start()
    started = time.perf_counter()
    work()
    took = time.perf_counter() - started
    stop.set()
    counter.join()
    stop, alone = threading.Event(), []
    counter = threading.Thread(target=count, args=(stop, alone))
    counter.start()
    time.sleep(took)
    stop.set()
    counter.join()
    return took, counted[0] / max(alone[0], 1)


def two_threads(work) -> float:
    """Time of `work` twice in a row / time of `work` in two threads at once."""
    started = time.perf_counter()
    work()
    work()
    serial = time.perf_counter() - started
    threads = [threading.Thread(target=work) for _ in range(2)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return serial / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1,
                        help="onnxruntime intra-op threads (served: FACE_MODEL_THREADS, 1)")
    args = parser.parse_args()

    batch = face_crops()
    with tempfile.TemporaryDirectory() as folder:  # as `python -m models import` converts
        converted = dlib_to_onnx(lm.files("face-embedding-dlib"), Path(folder))
        served = DlibEmbedder(*(converted[name] for name in DlibEmbedder.files),
                              threads=args.threads)
    reference = lm.dlib_encoder()
    chips = served.chips(batch)
    chip_list = list(chips)
    encoders = {
        "dlib": lambda items: np.array(reference.compute_face_descriptor(list(items)), np.float32),
        "onnx": lambda items: served.encode(np.asarray(items)),
    }
    difference = float(np.abs(encoders["dlib"](chip_list) - encoders["onnx"](chips)).max())
    for encode in encoders.values():  # warm both up
        encode(chips[:1])
        encode(chips)

    figures: dict[str, dict[str, list]] = {name: {} for name in [*encoders, "chip cut", "sha256"]}
    for _ in range(args.rounds):
        for name, encode in encoders.items():
            record = figures[name]
            started = time.perf_counter()
            for chip in chips:
                encode(chip[None])
            record.setdefault("batch 1", []).append((time.perf_counter() - started) * 1000 / BATCH)
            started = time.perf_counter()
            encode(chips)
            record.setdefault("batch 16", []).append((time.perf_counter() - started) * 1000 / BATCH)
            _, share = gil_share(lambda encode=encode: encode(chips))
            record.setdefault("GIL free", []).append(share)
            record.setdefault("2 threads", []).append(
                two_threads(lambda encode=encode: encode(chips)))
        took, share = gil_share(lambda: served.chips(batch))
        figures["chip cut"].setdefault("batch 16", []).append(took * 1000 / BATCH)
        figures["chip cut"].setdefault("GIL free", []).append(share)
        # the scale of "GIL free" on this host now: hashlib releases the GIL while it
        # hashes, so this is what a fully released call reads beside the host's other load
        _, share = gil_share(lambda: hashlib.sha256(CONTROL).digest())
        figures["sha256"].setdefault("GIL free", []).append(share)

    print(f"{BATCH} chips of {len(PHOTOS)} photos, {args.rounds} rounds, onnxruntime "
          f"{args.threads} thread(s); max |onnx - dlib| = {difference:.2g}")
    print(f"{'':10}{'ms/face b1':>12}{'ms/face b16':>13}{'GIL free':>10}{'2 threads':>11}")
    for name, record in figures.items():
        cells = [record.get(key) for key in ("batch 1", "batch 16", "GIL free", "2 threads")]
        print(f"{name:10}" + "".join(
            f"{'':>{w}}" if cell is None else f"{statistics.median(cell):>{w}.{p}f}"
            for cell, w, p in zip(cells, (12, 13, 10, 11), (1, 1, 2, 2))))
    dlib, onnx = figures["dlib"], figures["onnx"]
    for key in ("batch 1", "batch 16"):
        print(f"onnx / dlib time, {key}: "
              f"{statistics.median(onnx[key]) / statistics.median(dlib[key]):.3f}")


if __name__ == "__main__":
    main()
