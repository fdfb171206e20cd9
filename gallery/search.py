"""The in-memory index of one gallery's templates: whom is a face closest to?

`ExactIndex` (the default) keeps the vectors in one float32 matrix and computes
every distance with one matrix product. `ApproximateIndex` is usearch's HNSW
graph, for galleries whose exact search is too slow (docs/benchmarks.md has the
latency and recall of both at 10k, 100k and 1M templates). Both hold only faces
assigned to a subject, keyed by face id, and compare under the model's metric
(analyzers/face_models/embedding.py): euclidean distance between unit vectors or, for dlib,
between the raw descriptors.

`search` answers the k nearest subjects (a subject's distance is its nearest
face's), nearest first.
"""

from __future__ import annotations

import threading

import numpy as np

from analyzers.face_models.embedding import Metric, normalise

# HNSW: edges per node and the candidate lists of building and searching. A build's
# cost grows with connectivity x expansion_add: 32 x 128 made a 100k build take over
# 600 s on this host; 24 x 48 keeps recall@1 >= 0.99 against exact on the synthetic
# galleries and on 128-d gaussian vectors, the hardest case (16 x 32 fell to 0.985)
# (bench/gallery.py, tests/test_gallery_store.py; docs/benchmarks.md 2026-12-07)
CONNECTIVITY = 24
EXPANSION_ADD = 48
EXPANSION_SEARCH = 256
# half-precision vectors in the graph: half the memory its random reads walk, and
# usearch's f32 kernel widens to f64; f16's rounding moves a distance by about 1e-4
STORED_AS = "f16"


class Index:
    kind = ""

    def __init__(self, metric: Metric, dimensions: int):
        self.metric = metric
        self.dimensions = dimensions
        self.lock = threading.RLock()
        self.subject_of: dict[int, int] = {}  # face id -> subject row

    def prepared(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, np.float32).reshape(-1, self.dimensions)
        return normalise(vectors) if self.metric.unit else vectors

    def __len__(self) -> int:
        return len(self.subject_of)

    def add(self, face_ids, subjects, vectors) -> None:
        raise NotImplementedError

    def remove(self, face_ids) -> None:
        raise NotImplementedError

    def nearest_faces(self, query: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float, int]]:
        """The k nearest subjects: [(subject row, distance, nearest face id)]."""
        with self.lock:
            if not self.subject_of:
                return []
            count = min(len(self), max(4 * k, 16))
            while True:
                ids, distances = self.nearest_faces(query, count)
                found: dict[int, tuple[float, int]] = {}
                for face_id, distance in zip(ids.tolist(), distances.tolist()):
                    subject = self.subject_of.get(int(face_id))
                    if subject is not None and subject not in found:
                        found[subject] = (float(distance), int(face_id))
                if len(found) >= k or count >= len(self):
                    break
                count = min(len(self), count * 4)  # one subject's many faces filled the list
        ranked = sorted(found.items(), key=lambda item: item[1][0])[:k]
        return [(subject, distance, face_id) for subject, (distance, face_id) in ranked]


class ExactIndex(Index):
    kind = "exact"

    def __init__(self, metric: Metric, dimensions: int, capacity: int = 1024):
        super().__init__(metric, dimensions)
        self.vectors = np.zeros((capacity, dimensions), np.float32)
        self.squares = np.zeros(capacity, np.float32)
        self.ids = np.zeros(capacity, np.int64)
        self.row_of: dict[int, int] = {}
        self.size = 0

    def add(self, face_ids, subjects, vectors) -> None:
        vectors = self.prepared(vectors)
        with self.lock:
            self.remove([i for i in face_ids if int(i) in self.row_of])
            needed = self.size + len(face_ids)
            if needed > len(self.ids):
                capacity = max(needed, 2 * len(self.ids))
                for name in ("vectors", "squares", "ids"):
                    old = getattr(self, name)
                    new = np.zeros((capacity, *old.shape[1:]), old.dtype)
                    new[:self.size] = old[:self.size]
                    setattr(self, name, new)
            rows = slice(self.size, needed)
            self.vectors[rows] = vectors
            self.squares[rows] = np.einsum("ij,ij->i", vectors, vectors)
            self.ids[rows] = np.asarray(face_ids, np.int64)
            for offset, (face_id, subject) in enumerate(zip(face_ids, subjects)):
                self.row_of[int(face_id)] = self.size + offset
                self.subject_of[int(face_id)] = int(subject)
            self.size = needed

    def remove(self, face_ids) -> None:
        with self.lock:
            for face_id in face_ids:
                row = self.row_of.pop(int(face_id), None)
                if row is None:
                    continue
                self.subject_of.pop(int(face_id), None)
                last = self.size - 1
                if row != last:  # the last row fills the hole
                    self.vectors[row] = self.vectors[last]
                    self.squares[row] = self.squares[last]
                    self.ids[row] = self.ids[last]
                    self.row_of[int(self.ids[row])] = row
                self.size = last

    def nearest_faces(self, query, count):
        query = self.prepared(query)[0]
        vectors = self.vectors[:self.size]
        # einsum, one thread, rather than BLAS's threaded matvec, whose threads wait for
        # one another on a crowded host; on a calm one BLAS is 1.1-1.7x faster
        # (docs/benchmarks.md 2026-12-07, bench.gallery --matvec)
        products = np.einsum("ij,j->i", vectors, query)
        squared = self.squares[:self.size] - 2.0 * products + float(query @ query)
        count = min(count, self.size)
        nearest = np.argpartition(squared, count - 1)[:count] if count < self.size \
            else np.arange(self.size)
        nearest = nearest[np.argsort(squared[nearest])]
        return self.ids[nearest], np.sqrt(np.maximum(squared[nearest], 0.0))


class ApproximateIndex(Index):
    kind = "approximate"

    def __init__(self, metric: Metric, dimensions: int):
        super().__init__(metric, dimensions)
        from usearch.index import Index as HNSW  # requirements.txt; only this index needs it

        self.graph = HNSW(ndim=dimensions, metric="l2sq", dtype=STORED_AS,
                          connectivity=CONNECTIVITY, expansion_add=EXPANSION_ADD,
                          expansion_search=EXPANSION_SEARCH)

    def add(self, face_ids, subjects, vectors) -> None:
        vectors = self.prepared(vectors)
        with self.lock:
            present = [i for i in face_ids if int(i) in self.subject_of]
            self.remove(present)
            # a gallery's first load is built on every core; one enrolment on one thread
            self.graph.add(np.asarray(face_ids, np.uint64), vectors,
                           threads=0 if len(face_ids) > 1000 else 1)
            for face_id, subject in zip(face_ids, subjects):
                self.subject_of[int(face_id)] = int(subject)

    def remove(self, face_ids) -> None:
        with self.lock:
            gone = [int(i) for i in face_ids if int(i) in self.subject_of]
            if gone:
                self.graph.remove(np.asarray(gone, np.uint64))
                for face_id in gone:
                    self.subject_of.pop(face_id, None)

    def nearest_faces(self, query, count):
        matches = self.graph.search(self.prepared(query)[0], count)
        return (np.asarray(matches.keys, np.int64),
                np.sqrt(np.maximum(np.asarray(matches.distances, np.float32), 0.0)))


KINDS = {"exact": ExactIndex, "approximate": ApproximateIndex}


def make_index(kind: str, metric: Metric, dimensions: int) -> Index:
    if kind not in KINDS:
        raise ValueError(f"FACE_GALLERY_INDEX must be one of {sorted(KINDS)}, not {kind!r}")
    return KINDS[kind](metric, dimensions)
