"""What a served model knows about itself, in one shape for every model.

models/registry.py names each model's wrapper class ("module:Class"); the model
service loads it with `load`, the front prepares its input with `prepare_face`
(or, for models that look at the whole image, its own module's `prepare`), and
the model service answers with `run_batch`. Nothing else dispatches on a model's
name or files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the detectors derive from ModelWrapper
    from analyzers.detectors.detection import Detection


class ModelWrapper:
    # the files in its stored folder that the constructor takes, in order (followed
    # by threads=); a wrapper built otherwise overrides `load`
    files: tuple[str, ...] = ()
    # its module's prepare(image, box), for a model whose input is a crop of the
    # detector box alone; a wrapper that needs more of the face overrides prepare_face
    crop_of_box = None

    @classmethod
    def load(cls, folder: Path, threads: int = 1) -> "ModelWrapper":
        """The model, built from its folder in the BentoML model store."""
        if not cls.files:
            raise NotImplementedError(f"{cls.__name__} names no files to load")
        return cls(*(Path(folder) / name for name in cls.files), threads=threads)

    @classmethod
    def prepare_face(cls, image: np.ndarray, face: Detection,
                     source) -> tuple[np.ndarray, np.ndarray | None]:
        """One face's input (face: the detector's box / keypoints; source: its
        registry entry), and the 2x3 affine from input back to image pixels where
        the output is in input pixels (None otherwise)."""
        if cls.crop_of_box is None:
            raise NotImplementedError(f"{source.name} takes whole images, not faces")
        return cls.crop_of_box(image, face.box), None

    def run_batch(self, batch):
        """What its model service answers for a batch (plain lists, dicts and arrays)."""
        return self.predict(batch)
