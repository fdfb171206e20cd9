"""A LiteRT (TFLite) interpreter that takes any batch size, for the single-input,
single-output models (emotion, person segmentation)."""

from __future__ import annotations

import threading

import numpy as np


class BatchedInterpreter:
    def __init__(self, model_path, threads: int = 1):
        # imported here, not at the top: the front imports this module's users for
        # their crop functions only, and LiteRT's import alone is 8.3 MB RSS
        # (docs/benchmarks.md, "memory floor")
        from ai_edge_litert.interpreter import Interpreter

        self.interpreter = Interpreter(model_path=str(model_path), num_threads=threads)
        self.input_index = self.interpreter.get_input_details()[0]["index"]
        self.output_index = self.interpreter.get_output_details()[0]["index"]
        self.batch = 0
        # one interpreter whose tensors are resized when the batch size changes:
        # concurrent calls must not interleave
        self.lock = threading.Lock()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """The first output for a float32 batch (a copy, safe after the lock)."""
        with self.lock:
            if len(batch) != self.batch:
                self.interpreter.resize_tensor_input(self.input_index, list(batch.shape))
                self.interpreter.allocate_tensors()
                self.batch = len(batch)
            self.interpreter.set_tensor(self.input_index, batch)
            self.interpreter.invoke()
            return self.interpreter.get_tensor(self.output_index).copy()
