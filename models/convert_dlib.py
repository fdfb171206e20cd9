"""Convert dlib's face recognition ResNet (dlib_face_recognition_resnet_model_v1.dat) to ONNX.

dlib runs the network on its own CPU code, one thread, holding the GIL (about
100 ms a face here); onnxruntime runs the same weights several times faster and
lets other threads run meanwhile. Nothing here imports dlib: the .dat file is
read with a small reader of dlib's serialization format, written from dlib's
source (dlib/serialize.h, dlib/float_details.h, dlib/dnn/core.h, layers.h,
input.h, loss.h, dlib/cuda/tensor.h).

The format, in short:
- a signed or unsigned integer is one control byte (low nibble: how many bytes
  follow, 0x80: negative) and that many little-endian magnitude bytes;
- a float is two such integers, a mantissa and an exponent (value = m * 2**e);
- a string is its length (an integer) and its bytes; a bool is the character
  '0' or '1';
- a tensor is version 2, then num_samples, k, nr, nc and that many float32
  little-endian; an alias_tensor (a view into a layer's parameters) is version 1
  and its four dimensions, no data;
- a network is written from the loss layer down: each layer writes its version,
  then the layer below it, then its own parameters ("details") and training
  state, so the version numbers of all layers come first (outermost first) and
  the parameters follow from the input up. Tag and skip layers write a version
  and the layer below, nothing of their own: like dlib itself, the reader must
  know the network's type to read it. `ANET_TYPE` is that type, spelt
  as in dlib's tools/python/src/face_recognition.cpp (`anet_type`).

The graph: input "chips" [N, 150, 150, 3] float32, the RGB pixel values 0-255 of
the 150x150 chips dlib.get_face_chip cuts (HWC as numpy holds them);
output "descriptors" [N, 128] float32, the raw descriptors (norms about 1.4)
that dlib's compute_face_descriptor returns. Inside: dlib's input layer
((pixel - channel mean) / 256, NCHW), each convolution with its following
affine (batch-norm) layer folded in, ReLU, max / average pooling, the residual
additions (dlib adds tensors of different sizes by padding the smaller with zeros
at the end of each axis), global average pooling and the bias-free 128-d fc.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

OPSET = 13
CHIP = 150


class DlibFormatError(ValueError):
    """The file is not (or not all of) a dlib network of the expected type."""


class _Reader:
    def __init__(self, data: bytes, name: str):
        self.data = memoryview(data)
        self.pos = 0
        self.name = name

    def fail(self, message: str):
        raise DlibFormatError(f"{self.name}: {message} (at byte {self.pos} of {len(self.data)})")

    def take(self, count: int, what: str) -> memoryview:
        if self.pos + count > len(self.data):
            self.fail(f"file ends inside {what}: truncated")
        chunk = self.data[self.pos:self.pos + count]
        self.pos += count
        return chunk

    def integer(self, what: str = "an integer", signed: bool = True) -> int:
        control = self.take(1, what)[0]
        size = control & 0x0F
        if size == 0 or size > 8 or (control & 0x70) or (not signed and control & 0x80):
            self.fail(f"byte {control:#04x} does not start {what}")
        value = int.from_bytes(self.take(size, what), "little")
        return -value if control & 0x80 else value

    def real(self, what: str = "a float") -> float:
        mantissa = self.integer(f"the mantissa of {what}")
        exponent = self.integer(f"the exponent of {what}")
        if exponent >= 32000:  # float_details: 32000 inf, 32001 -inf, 32002 nan
            return {32000: np.inf, 32001: -np.inf}.get(exponent, np.nan)
        return float(np.ldexp(float(mantissa), exponent))

    def string(self, what: str = "a string") -> str:
        length = self.integer(f"the length of {what}", signed=False)
        if length > 256:
            self.fail(f"{what} claims {length} characters")
        try:
            return bytes(self.take(length, what)).decode("ascii")
        except UnicodeDecodeError:
            self.fail(f"{what} is not text")

    def boolean(self, what: str = "a bool") -> bool:
        char = bytes(self.take(1, what))
        if char not in (b"0", b"1"):
            self.fail(f"{what} is {char!r}, not '0' or '1'")
        return char == b"1"

    def version(self, what: str, allowed) -> int:
        value = self.integer(f"the version of {what}")
        if value not in allowed:
            self.fail(f"version {value} of {what} (dlib writes {sorted(allowed)}): "
                      "not this network")
        return value

    def name_of(self, what: str, allowed) -> str:
        value = self.string(f"the name of {what}")
        if value not in allowed:
            self.fail(f"found {value!r} where {what} ({' or '.join(allowed)}) belongs: "
                      "not this network")
        return value

    def tensor(self, what: str) -> np.ndarray:
        self.version(what, {2})
        dims = [self.integer(f"a dimension of {what}") for _ in range(4)]
        count = math.prod(dims)  # Python ints: a corrupt size cannot overflow
        if min(dims) < 0 or 4 * count > len(self.data) - self.pos:
            self.fail(f"{what} claims dimensions {dims}, more than the file holds: truncated "
                      "or not this network")
        raw = self.take(4 * count, f"the values of {what}")
        return np.frombuffer(raw, "<f4").astype(np.float32).reshape(dims)

    def alias(self, what: str) -> tuple[int, ...]:
        self.version(what, {1})
        return tuple(self.integer(f"a dimension of {what}") for _ in range(4))


# ---- the network's type ----------------------------------------------------------------
# Each entry is one layer of dlib's type, outermost (loss) first:
#   ("loss_metric",) ("fc", outputs) ("avg_pool_everything",) ("relu",) ("affine",)
#   ("con", filters, size, stride) ("max_pool", size, stride) ("avg_pool", size, stride)
#   ("add_prev", tag) ("tag", id) ("skip", id) ("input_rgb_image_sized", size)

def _block(filters: int, stride: int, below: list) -> list:
    # block = BN<con<N,3,3,1,1, relu<BN<con<N,3,3,stride,stride, SUBNET>>>>>
    return [("affine",), ("con", filters, 3, 1), ("relu",), ("affine",),
            ("con", filters, 3, stride)] + below


def _ares(filters: int, below: list) -> list:
    # relu<add_prev1<block<N,affine,1,tag1<SUBNET>>>>
    return [("relu",), ("add_prev", 1)] + _block(filters, 1, [("tag", 1)] + below)


def _ares_down(filters: int, below: list) -> list:
    # relu<add_prev2<avg_pool<2,2,2,2,skip1<tag2<block<N,affine,2,tag1<SUBNET>>>>>>>
    return [("relu",), ("add_prev", 2), ("avg_pool", 2, 2), ("skip", 1), ("tag", 2)] + \
        _block(filters, 2, [("tag", 1)] + below)


def _face_recognition_v1() -> list:
    net = [("max_pool", 3, 2), ("relu",), ("affine",), ("con", 32, 7, 2),
           ("input_rgb_image_sized", CHIP)]
    for filters, count, down in ((32, 3, False), (64, 4, True), (128, 3, True),
                                 (256, 3, True), (256, 1, True)):
        for index in range(count):
            net = (_ares_down if down and index == 0 else _ares)(filters, net)
    return [("loss_metric",), ("fc", 128), ("avg_pool_everything",)] + net


ANET_TYPE = tuple(_face_recognition_v1())


# ---- reading ------------------------------------------------------------------------------

@dataclass
class Layer:
    kind: str
    spec: tuple
    params: dict = field(default_factory=dict)


def _padding(size: int, stride: int) -> int:
    # dlib's default padding for con / pooling: size // 2 at stride 1, else 0
    return size // 2 if stride == 1 else 0


def _details(reader: _Reader, layer: Layer) -> None:
    """A layer's own parameters (its `serialize(details)`), checked against its type."""
    kind, spec = layer.kind, layer.spec
    where = f"layer {kind}{spec[1:]}"
    if kind == "con":
        version = reader.name_of(where, ("con_4", "con_5", "con_6"))
        params = reader.tensor(f"the parameters of {where}").reshape(-1)
        got = tuple(reader.integer(f"a setting of {where}") for _ in range(7))
        shape = reader.alias(f"the filters of {where}")
        reader.alias(f"the biases of {where}")
        for _ in range(4):  # learning-rate and weight-decay multipliers
            reader.real(f"a multiplier of {where}")
        use_bias = reader.boolean(f"use_bias of {where}") if version != "con_4" else True
        if version == "con_6" and reader.boolean(f"use_relu of {where}"):
            reader.fail(f"{where} has a fused relu (dlib's fuse_layers): not read here")
        _, filters, size, stride = spec
        pad = _padding(size, stride)
        want = (filters, size, size, stride, stride, pad, pad)
        if got != want:
            reader.fail(f"{where} has filters, nr, nc, strides, paddings {got}, not {want}")
        count = int(np.prod(shape))
        if shape[0] != filters or shape[2:] != (size, size) or \
                len(params) != count + (filters if use_bias else 0):
            reader.fail(f"{where}: filters {shape}, {len(params)} parameters")
        layer.params.update(
            weights=params[:count].reshape(shape),
            bias=params[count:] if use_bias else np.zeros(filters, np.float32))
    elif kind == "affine":
        reader.name_of(where, ("affine_", "affine_2"))
        params = reader.tensor(f"the parameters of {where}").reshape(-1)
        gamma, beta = reader.alias("gamma"), reader.alias("beta")
        mode = reader.integer(f"the mode of {where}")
        if mode != 0:  # CONV_MODE: one gamma / beta per channel
            reader.fail(f"{where} is in mode {mode}, not per-channel (CONV_MODE)")
        size = int(np.prod(gamma))
        if gamma != beta or len(params) != 2 * size:
            reader.fail(f"{where}: gamma {gamma}, beta {beta}, {len(params)} parameters")
        layer.params.update(gamma=params[:size], beta=params[size:])
    elif kind == "relu":
        reader.name_of(where, ("relu_", "relu_2"))
    elif kind in ("max_pool", "avg_pool", "avg_pool_everything"):
        name = "max_pool_2" if kind == "max_pool" else "avg_pool_2"
        reader.name_of(where, (name,))
        got = tuple(reader.integer(f"a setting of {where}") for _ in range(6))
        if kind == "avg_pool_everything":
            want = (0, 0, 1, 1, 0, 0)
        else:
            _, size, stride = spec
            pad = _padding(size, stride)
            want = (size, size, stride, stride, pad, pad)
        if got != want:
            reader.fail(f"{where} has nr, nc, strides, paddings {got}, not {want}")
    elif kind == "add_prev":
        reader.name_of(where, ("add_prev_",))
    elif kind == "fc":
        version = reader.name_of(where, ("fc_2", "fc_3"))
        outputs = reader.integer(f"the output count of {where}")
        inputs = reader.integer(f"the input count of {where}")
        params = reader.tensor(f"the parameters of {where}").reshape(-1)
        weights = reader.alias(f"the weights of {where}")
        reader.alias(f"the biases of {where}")
        bias_mode = reader.integer(f"the bias mode of {where}")
        for _ in range(4):
            reader.real(f"a multiplier of {where}")
        if version == "fc_3":
            reader.boolean(f"use_bias of {where}")
        if outputs != spec[1] or bias_mode != 1 or weights[:2] != (inputs, outputs) or \
                len(params) != inputs * outputs:
            reader.fail(f"{where}: {outputs} outputs, bias mode {bias_mode}, weights {weights}, "
                        f"{len(params)} parameters (expected fc_no_bias with {spec[1]} outputs)")
        layer.params["weights"] = params.reshape(inputs, outputs)
    else:
        reader.fail(f"no reader for layer kind {kind}")


def _trailer(reader: _Reader, where: str, version: int, bottom: bool) -> None:
    """The training state dlib writes after each layer's details: three bools and the
    tensors of its gradient buffers (empty in a trained model; read and dropped)."""
    for name in ("this_layer_setup_called", "gradient_input_is_stale",
                 "get_output_and_gradient_input_disabled"):
        reader.boolean(f"{name} of {where}")
    reader.tensor(f"x_grad of {where}")
    reader.tensor(f"cached_output of {where}")
    if bottom:
        reader.tensor(f"grad_final of {where}")
        if version >= 3:
            reader.integer(f"sample_expansion_factor of {where}", signed=False)
    elif version >= 2:
        reader.tensor(f"params_grad of {where}")


def read_network(data: bytes, name: str = "the network",
                 net: tuple = ANET_TYPE) -> list[Layer]:
    """The layers of a dlib network of type `net` from its serialized bytes, input
    first; DlibFormatError naming what and where when the bytes are not that."""
    reader = _Reader(data, name)
    reader.version("the loss layer", {1})
    loss = reader.name_of("the loss layer", ("loss_metric_", "loss_metric_2"))
    if loss == "loss_metric_2":
        reader.real("the margin of the loss")
        reader.real("the distance threshold of the loss")
    outer: list[tuple[Layer, int]] = []  # outermost first, as their versions appear
    for index, spec in enumerate(net[1:], start=1):
        kind, layer = spec[0], Layer(spec[0], spec)
        where = f"layer {index} ({kind})"
        if kind in ("tag", "skip"):
            reader.version(where, {1})
            outer.append((layer, 0))
            continue
        if net[index + 1][0] != "input_rgb_image_sized":
            outer.append((layer, reader.version(where, {1, 2})))
            continue
        # the bottom layer: its version, then the input layer, then its own details
        version = reader.version(where, {2, 3})
        reader.name_of("the input layer", ("input_rgb_image_sized",))
        means = [reader.real(f"the {c} mean of the input layer") for c in ("red", "green", "blue")]
        size = [reader.integer("the input size", signed=False) for _ in range(2)]
        if size != [net[index + 1][1]] * 2:
            reader.fail(f"the input layer takes {size[0]}x{size[1]} images, "
                        f"not {net[index + 1][1]}x{net[index + 1][1]}")
        _details(reader, layer)
        _trailer(reader, where, version, bottom=True)
        layers = [Layer("input", net[index + 1], {"means": np.array(means, np.float32)}), layer]
        break
    else:
        raise DlibFormatError(f"{name}: the network type has no input layer")
    for layer, version in reversed(outer):
        if layer.kind not in ("tag", "skip"):
            _details(reader, layer)
            _trailer(reader, f"layer {layer.kind}{layer.spec[1:]}", version, bottom=False)
        layers.append(layer)
    if reader.pos != len(reader.data):
        reader.fail(f"{len(reader.data) - reader.pos} bytes follow the network")
    return layers


def read_file(path: str | Path) -> list[Layer]:
    path = Path(path)
    return read_network(path.read_bytes(), str(path))


# ---- the ONNX graph -----------------------------------------------------------------------

def build_onnx(layers: list[Layer]):
    """An onnx.ModelProto computing the network for a batch of chips (module docstring)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    counter = iter(range(1_000_000))

    def const(value, hint: str) -> str:
        name = f"{hint}_{next(counter)}"
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, inputs: list[str], hint: str, **attrs) -> str:
        out = f"{hint}_{next(counter)}"
        nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def pooled(size: int, kernel: int, stride: int, pad: int) -> int:
        return 1 + (size + 2 * pad - kernel) // stride

    def pad_to(name: str, have: tuple, total: tuple) -> str:
        if have == total:
            return name
        # ONNX Pad: the begins of N, C, H, W, then their ends
        grow = [0, 0, 0, 0, 0] + [t - h for t, h in zip(total, have)]
        return node("Pad", [name, const(np.array(grow, np.int64), "pads")], "pad")

    means = layers[0].params["means"]
    chips = helper.make_tensor_value_info("chips", TensorProto.FLOAT, ["N", CHIP, CHIP, 3])
    # dlib's input layer: (pixel - mean) / 256 per channel, planar (NCHW)
    centred = node("Sub", ["chips", const(means.reshape(1, 1, 1, 3), "means")], "centred")
    scaled = node("Mul", [centred, const(np.float32(1 / 256), "scale")], "scaled")
    x = node("Transpose", [scaled], "nchw", perm=[0, 3, 1, 2])
    shape = (3, CHIP, CHIP)  # (channels, rows, cols) of x, for the residual additions
    tags: dict[int, tuple[str, tuple]] = {}
    index = 1
    while index < len(layers):
        layer = layers[index]
        kind, spec, params = layer.kind, layer.spec, layer.params
        if kind == "con":
            weights, bias = params["weights"], params["bias"]
            follower = layers[index + 1] if index + 1 < len(layers) else None
            if follower is not None and follower.kind == "affine":
                # fold dlib's affine (its batch norm, frozen): gamma * (W x + b) + beta
                gamma, beta = follower.params["gamma"], follower.params["beta"]
                weights = weights * gamma[:, None, None, None]
                bias = bias * gamma + beta
                index += 1
            _, filters, size, stride = spec
            pad = _padding(size, stride)
            x = node("Conv", [x, const(weights.astype(np.float32), "w"),
                              const(bias.astype(np.float32), "b")], "conv",
                     kernel_shape=[size, size], strides=[stride, stride], pads=[pad] * 4)
            shape = (filters, pooled(shape[1], size, stride, pad), pooled(shape[2], size, stride, pad))
        elif kind == "affine":
            gamma = params["gamma"].reshape(1, -1, 1, 1)
            beta = params["beta"].reshape(1, -1, 1, 1)
            x = node("Add", [node("Mul", [x, const(gamma, "gamma")], "affine"),
                             const(beta, "beta")], "affine")
        elif kind == "relu":
            x = node("Relu", [x], "relu")
        elif kind in ("max_pool", "avg_pool"):
            _, size, stride = spec
            pad = _padding(size, stride)
            if kind == "avg_pool" and pad:
                raise DlibFormatError("padded average pooling is not converted")
            x = node("MaxPool" if kind == "max_pool" else "AveragePool", [x], kind,
                     kernel_shape=[size, size], strides=[stride, stride], pads=[pad] * 4)
            shape = (shape[0], pooled(shape[1], size, stride, pad), pooled(shape[2], size, stride, pad))
        elif kind == "avg_pool_everything":
            x = node("GlobalAveragePool", [x], "gap")
            shape = (shape[0], 1, 1)
        elif kind == "tag":
            tags[spec[1]] = (x, shape)
        elif kind == "skip":
            x, shape = tags[spec[1]]
        elif kind == "add_prev":
            other, other_shape = tags[spec[1]]
            # dlib adds tensors of different sizes as if the smaller were padded with
            # zeros at the end of each axis (tt::add); ONNX's Add only broadcasts
            total = tuple(max(a, b) for a, b in zip(shape, other_shape))

            x = node("Add", [pad_to(x, shape, total), pad_to(other, other_shape, total)], "add")
            shape = total
        elif kind == "fc":
            flat = node("Flatten", [x], "flatten", axis=1)
            x = node("MatMul", [flat, const(params["weights"].astype(np.float32), "fc")], "fc")
        else:
            raise DlibFormatError(f"layer kind {kind} is not converted")
        index += 1
    nodes[-1].output[0] = "descriptors"
    descriptors = helper.make_tensor_value_info("descriptors", TensorProto.FLOAT, ["N", 128])
    graph = helper.make_graph(nodes, "dlib_face_recognition_resnet_model_v1", [chips],
                              [descriptors], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="models.convert_dlib")
    model.ir_version = 8  # readable by onnxruntime releases older than the onnx package
    onnx.checker.check_model(model)
    return model


def convert_file(source: str | Path, target: str | Path) -> Path:
    """dlib's .dat at `source` -> ONNX at `target`."""
    import onnx

    target = Path(target)
    onnx.save(build_onnx(read_file(source)), str(target))
    return target
