"""Tiny transformers checkpoints with the real label sets of the set-`full` models,
written with save_pretrained (plus the preprocessor_config.json an image processor
writes), for the import / serving tests. Random weights: the answers mean nothing,
their shapes and label sets do."""

from __future__ import annotations

import json
from pathlib import Path

from models.registry import BY_NAME

CLASSIFIERS = ("face-gender-vit", "face-ethnicity-vit", "face-obstruction-vit", "hair-type-vit")
PARSER = "human-parsing-segformer"
VIT_SIZE = 64
SEGFORMER_SIZE = 128


def labels_of(name: str) -> list[str]:
    return list(BY_NAME[name].metadata["labels"])


def _preprocessor(folder: Path, size: int, mean, std, processor: str) -> None:
    (folder / "preprocessor_config.json").write_text(json.dumps({
        "do_normalize": True, "do_rescale": True, "do_resize": True,
        "image_mean": mean, "image_std": std, "image_processor_type": processor,
        "resample": 2, "rescale_factor": 1 / 255, "size": {"height": size, "width": size},
    }))


def save_vit(folder: Path, labels: list[str], seed: int = 0) -> Path:
    import torch
    from transformers import ViTConfig, ViTForImageClassification

    torch.manual_seed(seed)
    config = ViTConfig(image_size=VIT_SIZE, patch_size=16, hidden_size=32, num_hidden_layers=2,
                       num_attention_heads=2, intermediate_size=64, num_labels=len(labels),
                       id2label=dict(enumerate(labels)),
                       label2id={label: i for i, label in enumerate(labels)})
    ViTForImageClassification(config).save_pretrained(folder)
    _preprocessor(folder, VIT_SIZE, [0.5] * 3, [0.5] * 3, "ViTImageProcessor")
    return folder


def save_segformer(folder: Path, labels: list[str], seed: int = 0) -> Path:
    import torch
    from transformers import SegformerConfig, SegformerForSemanticSegmentation

    torch.manual_seed(seed)
    config = SegformerConfig(num_labels=len(labels), hidden_sizes=[8, 16, 24, 32],
                             depths=[1, 1, 1, 1], num_attention_heads=[1, 1, 1, 2],
                             decoder_hidden_size=32, id2label=dict(enumerate(labels)),
                             label2id={label: i for i, label in enumerate(labels)})
    SegformerForSemanticSegmentation(config).save_pretrained(folder)
    _preprocessor(folder, SEGFORMER_SIZE, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225],
                  "SegformerImageProcessor")
    return folder


def save_all(root: Path) -> dict[str, Path]:
    """{registry name: save_pretrained folder} for the five set-`full` models."""
    folders = {}
    for seed, name in enumerate(CLASSIFIERS):
        folders[name] = save_vit(root / name, labels_of(name), seed)
    folders[PARSER] = save_segformer(root / PARSER, labels_of(PARSER))
    return folders
