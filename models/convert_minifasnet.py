"""MiniFASNet (Silent-Face-Anti-Spoofing, minivision) from its PyTorch state dicts to ONNX.

Only the state dicts are published with a licence we can use (Apache-2.0); the network
is written here from what their keys and shapes say:

- `conv1` 3x3 stride 2 and `conv2_dw` 3x3 depthwise: convolution, batch norm, PReLU;
- `conv_23`, `conv_34`, `conv_45`: inverted bottlenecks that halve the map (1x1
  expand, 3x3 depthwise stride 2, 1x1 project without an activation);
- `conv_3`, `conv_4`, `conv_5`: residual stacks of the same bottleneck at stride 1,
  each with its own expansion width (the widths differ per block and per net: they
  come from the state dict); in V1SE the last block of each stack carries a
  squeeze-and-excitation (`se_module`: pool, 1x1, BN, ReLU, 1x1, BN, sigmoid);
- `conv_6_sep` 1x1 to 512, `conv_6_dw` a 5x5 depthwise with no activation that turns the
  5x5 map (80 / 16) into one vector, `linear` 512 -> 128 without bias, `bn`, and
  `prob` 128 -> 3 logits without bias.

Input [N, 3, 80, 80] float32 BGR 0..255; output [N, 3] logits (class 1 = real face).

    python -m models.convert_minifasnet STATE_DICT.pth OUT.onnx
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

OPSET = 17
INPUT_SIZE = 80
# the stored model's file -> the published state dict it is exported from
NETS = {"minifasnet_v2.onnx": "2.7_80x80_MiniFASNetV2.pth",
        "minifasnet_v1se.onnx": "4_0_0_80x80_MiniFASNetV1SE.pth"}


class ConvBlock(nn.Sequential):
    """Convolution without bias, batch norm, then PReLU unless `linear`."""

    def __init__(self, c_in, c_out, kernel=1, stride=1, padding=0, groups=1, linear=False):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, kernel, stride, padding, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(c_out)
        if not linear:
            self.prelu = nn.PReLU(c_out)


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, reduced: int) -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(channels, reduced, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(reduced)
        self.fc2 = nn.Conv2d(reduced, channels, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        weight = x.mean(dim=(2, 3), keepdim=True)
        weight = torch.relu(self.bn1(self.fc1(weight)))
        return x * torch.sigmoid(self.bn2(self.fc2(weight)))


class Bottleneck(nn.Module):
    """1x1 expand, 3x3 depthwise, 1x1 linear project; the input is added back at stride 1."""

    def __init__(self, c_in, c_out, expanded, stride, residual, se_reduced=0):
        super().__init__()
        self.conv = ConvBlock(c_in, expanded)
        self.conv_dw = ConvBlock(expanded, expanded, 3, stride, 1, groups=expanded)
        self.project = ConvBlock(expanded, c_out, linear=True)
        if se_reduced:
            self.se_module = SqueezeExcite(c_out, se_reduced)
        self.residual = residual

    def forward(self, x):
        y = self.project(self.conv_dw(self.conv(x)))
        if hasattr(self, "se_module"):
            y = self.se_module(y)
        return x + y if self.residual else y


class Stack(nn.Module):
    def __init__(self, blocks) -> None:
        super().__init__()
        self.model = nn.Sequential(*blocks)

    def forward(self, x):
        return self.model(x)


class MiniFASNet(nn.Module):
    """MiniFASNetV2 or V1SE, its widths read from `state` (a state dict without `module.`)."""

    def __init__(self, state: dict[str, torch.Tensor]) -> None:
        super().__init__()

        def width(key):
            return state[key].shape[0]

        def block(prefix, c_in, c_out, stride, residual):
            se = f"{prefix}.se_module.fc1.weight"
            return Bottleneck(c_in, c_out, width(f"{prefix}.conv.conv.weight"), stride,
                              residual, width(se) if se in state else 0)

        def stack(name, channels):
            count = len({m.group(1) for key in state
                         if (m := re.match(rf"{name}\.model\.(\d+)\.", key))})
            return Stack([block(f"{name}.model.{i}", channels, channels, 1, True)
                          for i in range(count)])

        self.conv1 = ConvBlock(3, 32, 3, 2, 1)
        self.conv2_dw = ConvBlock(32, 32, 3, 1, 1, groups=32)
        self.conv_23 = block("conv_23", 32, 64, 2, False)
        self.conv_3 = stack("conv_3", 64)
        self.conv_34 = block("conv_34", 64, 128, 2, False)
        self.conv_4 = stack("conv_4", 128)
        self.conv_45 = block("conv_45", 128, 128, 2, False)
        self.conv_5 = stack("conv_5", 128)
        self.conv_6_sep = ConvBlock(128, 512)
        self.conv_6_dw = ConvBlock(512, 512, INPUT_SIZE // 16, groups=512, linear=True)
        self.linear = nn.Linear(512, 128, bias=False)
        self.bn = nn.BatchNorm1d(128)
        self.prob = nn.Linear(128, 3, bias=False)

    def forward(self, x):
        for layer in (self.conv1, self.conv2_dw, self.conv_23, self.conv_3, self.conv_34,
                      self.conv_4, self.conv_45, self.conv_5, self.conv_6_sep, self.conv_6_dw):
            x = layer(x)
        return self.prob(self.bn(self.linear(torch.flatten(x, 1))))


def build_net(path: Path) -> MiniFASNet:
    """The published state dict (saved from a DataParallel: keys start `module.`), loaded
    strictly."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    state = {key.removeprefix("module."): value for key, value in state.items()}
    net = MiniFASNet(state)
    net.load_state_dict(state, strict=True)
    return net.eval()


def export(net: MiniFASNet, path: Path) -> None:
    # the TorchScript exporter, as for MTCNN: one self-contained file, no extra package
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            net, (torch.zeros(2, 3, INPUT_SIZE, INPUT_SIZE),), str(path), dynamo=False,
            opset_version=OPSET, input_names=["input"], output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
            do_constant_folding=True,
        )


def largest_difference(net: MiniFASNet, path: Path, batch: np.ndarray | None = None) -> float:
    """The largest |ONNX - torch| over the logits, on `batch` or on random BGR 0..255 input."""
    import onnxruntime as ort

    if batch is None:
        rng = np.random.default_rng(0)
        batch = rng.uniform(0, 255, (3, 3, INPUT_SIZE, INPUT_SIZE)).astype(np.float32)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        expected = net(torch.from_numpy(batch)).numpy()
    got = session.run(None, {"input": batch})[0]
    return float(np.abs(expected - got).max())


def convert_file(source: Path, target: Path, tolerance: float = 1e-5) -> Path:
    """One state dict -> ONNX, refused when onnxruntime's logits differ from torch's by
    `tolerance` or more."""
    net = build_net(source)
    part = Path(target).with_name(Path(target).name + ".part")
    export(net, part)
    worst = largest_difference(net, part)
    if worst >= tolerance:
        part.unlink()
        raise RuntimeError(f"{source.name}: ONNX differs from torch by {worst:g}")
    return part.replace(target)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m models.convert_minifasnet STATE_DICT.pth OUT.onnx")
    print(convert_file(Path(sys.argv[1]), Path(sys.argv[2])))
