"""An onnxruntime session that takes a batch whatever batch size the file was
exported with (InsightFace's files come with a dynamic batch or a batch of 1)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np


class OnnxModel:
    def __init__(self, path: str | Path, threads: int = 1):
        from analyzers.runtime.onnx_session import cpu_session

        self.session = cpu_session(path, threads)
        first = self.session.get_inputs()[0]
        self.input_name = first.name
        self.input_shape = list(first.shape)
        self.fixed_batch = first.shape[0] == 1  # exported with batch 1: one item a run
        self.lock = threading.Lock()

    def run(self, batch: np.ndarray) -> list[np.ndarray]:
        """All outputs for a [N, ...] float32 batch, each [N, ...]."""
        batch = np.ascontiguousarray(batch, np.float32)
        with self.lock:
            if not self.fixed_batch:
                return self.session.run(None, {self.input_name: batch})
            runs = [self.session.run(None, {self.input_name: item[None]}) for item in batch]
        return [np.concatenate([run[k] for run in runs]) for k in range(len(runs[0]))]
