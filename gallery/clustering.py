"""Grouping faces by person: Chinese whispers (Biemann 2006) over the graph whose
edges join two faces closer than the verification threshold.

Each face starts as its own label; in a random order each takes the label most of
its neighbours hold, until no label changes. It needs no number of clusters, and a
person photographed once stays a group of one. Distances are computed in blocks,
so memory grows with the faces times a block, not with their square.
"""

from __future__ import annotations

import numpy as np

from analyzers.face_models.embedding import Metric, normalise

BLOCK = 1024
ITERATIONS = 30


def neighbours(vectors: np.ndarray, metric: Metric, threshold: float) -> list[np.ndarray]:
    vectors = np.asarray(vectors, np.float32)
    if metric.unit:
        vectors = normalise(vectors)
    squares = np.einsum("ij,ij->i", vectors, vectors)
    found = []
    for start in range(0, len(vectors), BLOCK):
        block = vectors[start:start + BLOCK]
        squared = squares[start:start + BLOCK, None] + squares[None, :] - 2.0 * block @ vectors.T
        for row, distances in enumerate(squared):
            close = np.flatnonzero(distances < threshold * threshold)
            found.append(close[close != start + row])
    return found


def chinese_whispers(vectors: np.ndarray, metric: Metric, threshold: float,
                     seed: int = 0) -> np.ndarray:
    """A cluster number per vector: 0 the largest cluster, then by size (ties: the
    cluster holding the earliest vector first)."""
    count = len(vectors)
    if count == 0:
        return np.zeros(0, np.int64)
    edges = neighbours(vectors, metric, threshold)
    labels = np.arange(count)
    random = np.random.default_rng(seed)
    for _ in range(ITERATIONS):
        changed = False
        for node in random.permutation(count):
            near = edges[node]
            if not len(near):
                continue
            held, votes = np.unique(labels[near], return_counts=True)
            best = held[votes == votes.max()].min()
            if best != labels[node]:
                labels[node] = best
                changed = True
        if not changed:
            break
    order = sorted(set(labels.tolist()), key=lambda l: (-int((labels == l).sum()),
                                                        int(np.flatnonzero(labels == l)[0])))
    renumber = {label: number for number, label in enumerate(order)}
    return np.array([renumber[label] for label in labels.tolist()], np.int64)
