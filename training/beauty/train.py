"""Fine-tune a ResNet-50 regressor of facial beauty on SCUT-FBP5500 and export it to
ONNX for `python -m models import --only face-beauty-resnet50 --from OUT/beauty_resnet50.onnx`.

SCUT-FBP5500 (Liang et al., ICPR 2018; github.com/HCIILAB/SCUT-FBP5500-Database-Release)
unpacks as SCUT-FBP5500_v2/ with

    Images/                       5500 face photos, 350x350 JPEG (AF*, AM*, CF*, CM*.jpg)
    train_test_files/
      split_of_60%training and 40%testing/train.txt, test.txt
      5_folders_cross_validations_files/cross_validation_N/train_N.txt, test_N.txt
    All_Ratings.xlsx, facial landmark/ (not used here)

and every split line is "<file name> <mean score>", e.g. "CF437.jpg 2.883333", the
mean of 60 raters on a 1-5 scale. Pass the SCUT-FBP5500_v2 folder as --data
(--split picks another split folder, --train-list / --test-list other file names).

The model is training/beauty/resnet.py (torchvision's layer names: `--init` takes a
torchvision or timm resnet50 state dict, e.g. ImageNet weights, which is how it
should be trained; without it the backbone starts random). Inputs as served
(analyzers/face_models/beauty.py): 224x224 RGB, ImageNet mean / std, NCHW. Augmentation in
plain torch / numpy: random resized crop (80-100 % of the side), horizontal flip,
brightness / contrast jitter. Loss: mean squared error; AdamW; cosine schedule.
After training the test split is scored: Pearson r, MAE and RMSE are printed and
written with the loss history to OUT/metrics.json, then the model is exported to
OUT/beauty_resnet50.onnx (dynamic batch, [N, 3, 224, 224] -> [N, 1]).

    python training/beauty/train.py --data SCUT-FBP5500_v2 --init resnet50.pth --out runs/b1
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from resnet import ResNet50, load_backbone  # noqa: E402

SIZE = 224
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)
SPLIT = "split_of_60%training and 40%testing"
SCORE_MIN, SCORE_MAX = 1.0, 5.0


def read_split(path: Path) -> list[tuple[str, float]]:
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ValueError(f"{path}:{number}: expected '<file> <score>', got {line!r}")
        rows.append((parts[0], float(parts[1])))
    return rows


def to_tensor(image: np.ndarray) -> torch.Tensor:
    """HxWx3 uint8 RGB at SIZE -> 3xSIZExSIZE float, ImageNet-normalised."""
    return torch.from_numpy(((image.astype(np.float32) / 255.0 - MEAN) / STD).transpose(2, 0, 1))


def augment(image: Image.Image, rng: random.Random) -> np.ndarray:
    width, height = image.size
    side = min(width, height) * rng.uniform(0.8, 1.0)
    left, top = rng.uniform(0, width - side), rng.uniform(0, height - side)
    image = image.resize((SIZE, SIZE), Image.BILINEAR, box=(left, top, left + side, top + side))
    pixels = np.asarray(image, np.float32)
    if rng.random() < 0.5:
        pixels = pixels[:, ::-1]
    mean = pixels.mean()
    pixels = (pixels - mean) * rng.uniform(0.8, 1.2) + mean * rng.uniform(0.8, 1.2)
    return np.clip(pixels, 0, 255).astype(np.uint8)


def plain(image: Image.Image) -> np.ndarray:
    return np.asarray(image.resize((SIZE, SIZE), Image.BILINEAR), np.uint8)


class Faces(torch.utils.data.Dataset):
    def __init__(self, folder: Path, rows, train: bool, seed: int = 0):
        self.folder, self.rows, self.train = folder, rows, train
        self.rng = random.Random(seed)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int):
        name, score = self.rows[index]
        image = Image.open(self.folder / name).convert("RGB")
        pixels = augment(image, self.rng) if self.train else plain(image)
        return to_tensor(pixels), torch.tensor([score], dtype=torch.float32)


def evaluate(model: nn.Module, loader) -> dict:
    model.eval()
    predicted, truth = [], []
    with torch.no_grad():
        for images, scores in loader:
            predicted.append(model(images).clamp(SCORE_MIN, SCORE_MAX).squeeze(1))
            truth.append(scores.squeeze(1))
    p, t = torch.cat(predicted).double().numpy(), torch.cat(truth).double().numpy()
    if len(p) > 1 and p.std() > 0 and t.std() > 0:
        pearson = float(np.corrcoef(p, t)[0, 1])
    else:
        pearson = float("nan")  # undefined for constant predictions
    return {"pearson_r": pearson, "mae": float(np.abs(p - t).mean()),
            "rmse": float(math.sqrt(((p - t) ** 2).mean())), "n": int(len(p))}


def export(model: nn.Module, path: Path) -> None:
    model.eval()
    example = torch.zeros(1, 3, SIZE, SIZE)
    torch.onnx.export(model, (example,), str(path), input_names=["input"],
                      output_names=["score"], dynamic_axes={"input": {0: "N"}, "score": {0: "N"}},
                      opset_version=17, dynamo=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the SCUT-FBP5500_v2 folder")
    parser.add_argument("--split", default=SPLIT, help="folder under train_test_files")
    parser.add_argument("--train-list", default="train.txt")
    parser.add_argument("--test-list", default="test.txt")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--init", type=Path, help="torchvision / timm resnet50 state dict")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many steps")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    lists = args.data / "train_test_files" / args.split
    train_rows = read_split(lists / args.train_list)
    test_rows = read_split(lists / args.test_list)
    images = args.data / "Images"
    print(f"{len(train_rows)} training and {len(test_rows)} test faces from {args.data}")

    model = ResNet50()
    if args.init:
        state = torch.load(args.init, map_location="cpu", weights_only=True)
        skipped = load_backbone(model, state)
        print(f"backbone from {args.init} (not taken: {', '.join(skipped) or 'nothing'})")
    nn.init.zeros_(model.fc.weight)
    nn.init.constant_(model.fc.bias, float(np.mean([s for _, s in train_rows])))
    model.to(args.device)

    train = torch.utils.data.DataLoader(
        Faces(images, train_rows, train=True, seed=args.seed), batch_size=args.batch_size,
        shuffle=True, num_workers=args.workers, drop_last=len(train_rows) > args.batch_size)
    test = torch.utils.data.DataLoader(Faces(images, test_rows, train=False),
                                       batch_size=args.batch_size, num_workers=args.workers)
    steps = args.epochs * len(train)
    if args.max_steps:
        steps = min(steps, args.max_steps)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, max(steps, 1))
    losses, step, started = [], 0, time.time()
    while step < steps:
        model.train()
        for batch, scores in train:
            batch, scores = batch.to(args.device), scores.to(args.device)
            loss = nn.functional.mse_loss(model(batch), scores)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(float(loss))
            step += 1
            if not math.isfinite(losses[-1]):
                raise RuntimeError(f"loss is {losses[-1]} at step {step}")
            if step % 20 == 0 or step == steps or step == 1:
                print(f"step {step}/{steps} loss {losses[-1]:.4f} "
                      f"({time.time() - started:.0f} s)", flush=True)
            if step >= steps:
                break

    model.cpu()
    metrics = evaluate(model, test)
    print(f"test split: Pearson r {metrics['pearson_r']:.4f}, MAE {metrics['mae']:.4f}, "
          f"RMSE {metrics['rmse']:.4f} over {metrics['n']} faces")
    args.out.mkdir(parents=True, exist_ok=True)
    onnx_path = args.out / "beauty_resnet50.onnx"
    export(model, onnx_path)
    (args.out / "metrics.json").write_text(json.dumps({
        "test": metrics, "steps": step, "losses": losses, "train_faces": len(train_rows),
        "split": args.split, "init": str(args.init) if args.init else None,
        "onnx": onnx_path.name}, indent=2))
    print(f"wrote {onnx_path} and {args.out / 'metrics.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
