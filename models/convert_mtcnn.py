"""Convert the MTCNN face detector (Zhang et al. 2016) to ONNX.

The weights are the state_dicts that facenet-pytorch ships in its wheel. That
package cannot be imported here (it needs torchvision), so the three small
networks are defined below to match its state_dict keys, and only the weight
files are taken from the wheel. The service itself runs the exported ONNX
files with onnxruntime and never imports torch.

Run as a script to convert into a folder:

    python -m models.convert_mtcnn OUT_DIR
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from models.fetch import fetch_file
from models.registry import BY_NAME

OPSET = 17


class PNet(nn.Module):
    """Fully convolutional proposal net: a 12x12 window per output cell, stride 2."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 10, 3)
        self.prelu1 = nn.PReLU(10)
        self.pool1 = nn.MaxPool2d(2, 2, ceil_mode=True)
        self.conv2 = nn.Conv2d(10, 16, 3)
        self.prelu2 = nn.PReLU(16)
        self.conv3 = nn.Conv2d(16, 32, 3)
        self.prelu3 = nn.PReLU(32)
        self.conv4_1 = nn.Conv2d(32, 2, 1)
        self.conv4_2 = nn.Conv2d(32, 4, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.pool1(self.prelu1(self.conv1(x)))
        x = self.prelu2(self.conv2(x))
        x = self.prelu3(self.conv3(x))
        prob = torch.softmax(self.conv4_1(x), dim=1)
        return prob, self.conv4_2(x)


class RNet(nn.Module):
    """Refinement net on 24x24 crops."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 28, 3)
        self.prelu1 = nn.PReLU(28)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = nn.Conv2d(28, 48, 3)
        self.prelu2 = nn.PReLU(48)
        self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv3 = nn.Conv2d(48, 64, 2)
        self.prelu3 = nn.PReLU(64)
        self.dense4 = nn.Linear(576, 128)
        self.prelu4 = nn.PReLU(128)
        self.dense5_1 = nn.Linear(128, 2)
        self.dense5_2 = nn.Linear(128, 4)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.pool1(self.prelu1(self.conv1(x)))
        x = self.pool2(self.prelu2(self.conv2(x)))
        x = self.prelu3(self.conv3(x))
        # The dense weights come from the Caffe original, which flattened
        # feature maps stored width-major; permuting reproduces that order.
        x = x.permute(0, 3, 2, 1).reshape(x.shape[0], -1)
        x = self.prelu4(self.dense4(x))
        prob = torch.softmax(self.dense5_1(x), dim=1)
        return prob, self.dense5_2(x)


class ONet(nn.Module):
    """Output net on 48x48 crops: score, box regression and five landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3)
        self.prelu1 = nn.PReLU(32)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.prelu2 = nn.PReLU(64)
        self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv3 = nn.Conv2d(64, 64, 3)
        self.prelu3 = nn.PReLU(64)
        self.pool3 = nn.MaxPool2d(2, 2, ceil_mode=True)
        self.conv4 = nn.Conv2d(64, 128, 2)
        self.prelu4 = nn.PReLU(128)
        self.dense5 = nn.Linear(1152, 256)
        self.prelu5 = nn.PReLU(256)
        self.dense6_1 = nn.Linear(256, 2)
        self.dense6_2 = nn.Linear(256, 4)
        self.dense6_3 = nn.Linear(256, 10)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = self.pool1(self.prelu1(self.conv1(x)))
        x = self.pool2(self.prelu2(self.conv2(x)))
        x = self.pool3(self.prelu3(self.conv3(x)))
        x = self.prelu4(self.conv4(x))
        x = x.permute(0, 3, 2, 1).reshape(x.shape[0], -1)  # see RNet.forward
        x = self.prelu5(self.dense5(x))
        prob = torch.softmax(self.dense6_1(x), dim=1)
        return prob, self.dense6_2(x), self.dense6_3(x)


# name -> (module class, example input shape, output names, dynamic input axes)
NETS = {
    "pnet": (PNet, (1, 3, 64, 80), ["prob", "reg"], {0: "batch", 2: "height", 3: "width"}),
    "rnet": (RNet, (2, 3, 24, 24), ["prob", "reg"], {0: "batch"}),
    "onet": (ONet, (2, 3, 48, 48), ["prob", "reg", "landmarks"], {0: "batch"}),
}


def fetch_weights(log=print) -> dict[str, Path]:
    """Cached, checksum-verified paths of the three state_dict files (as listed in the registry)."""
    return {
        a.filename.removesuffix(".pt"): fetch_file(a.package, a.version, a.member, a.sha256, log=log)
        for a in BY_NAME["face-detector-mtcnn"].artifacts
    }


def build_net(name: str, pt_path: Path) -> nn.Module:
    net = NETS[name][0]()
    state = torch.load(pt_path, map_location="cpu", weights_only=True)
    net.load_state_dict(state, strict=True)
    return net.eval()


def _export(net: nn.Module, name: str, path: Path) -> None:
    _, shape, outputs, dyn = NETS[name]
    example = torch.zeros(shape)
    dynamic_axes = {"input": dyn}
    dynamic_axes.update({out: {0: "batch"} for out in outputs})
    if name == "pnet":
        # The score and regression maps shrink with the input.
        dynamic_axes.update({out: {0: "batch", 2: "map_h", 3: "map_w"} for out in outputs})
    # The TorchScript-based exporter is used because it needs no extra
    # package and writes the whole model into one self-contained file.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            net, (example,), str(path), dynamo=False, opset_version=OPSET,
            input_names=["input"], output_names=outputs, dynamic_axes=dynamic_axes,
            do_constant_folding=True,
        )


def _verify(net: nn.Module, name: str, path: Path, tol: float = 1e-4) -> float:
    """Compare onnxruntime against torch on random input; returns the max error."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    _, shape, _, _ = NETS[name]
    # Odd batch and, for the P-Net, an odd size different from the export
    # example, so that the dynamic axes are really exercised.
    shape = (3, 3, 37, 53) if name == "pnet" else (3,) + tuple(shape[1:])
    rng = np.random.default_rng(0)
    x = rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)
    with torch.no_grad():
        expected = [t.numpy() for t in net(torch.from_numpy(x))]
    got = session.run(None, {"input": x})
    worst = 0.0
    for e, g in zip(expected, got):
        if e.shape != g.shape:
            raise RuntimeError(f"{name}: shape {g.shape} from ONNX, {e.shape} from torch")
        worst = max(worst, float(np.abs(e - g).max()))
    if worst >= tol:
        raise RuntimeError(f"{name}: ONNX differs from torch by {worst:g}")
    return worst


def convert_mtcnn(pt_paths: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """Export pnet/rnet/onet state_dicts to `out_dir`/{name}.onnx, checked against torch."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    written = {}
    for name in NETS:
        net = build_net(name, Path(pt_paths[name]))
        path = out_dir / f"{name}.onnx"
        tmp = path.with_name(path.name + ".part")
        _export(net, name, tmp)
        _verify(net, name, tmp)
        tmp.replace(path)
        written[name] = path
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m models.convert_mtcnn OUT_DIR")
    for net_name, onnx_path in convert_mtcnn(fetch_weights(), Path(sys.argv[1])).items():
        print(net_name, onnx_path)
