"""Convert a TensorFlow.js graph model (model.json + .bin shards) to ONNX, without tensorflow.

A TFJS graph model is a frozen TensorFlow GraphDef written as JSON
(`modelTopology.node`: name, op, input, attr) plus a `weightsManifest` that
lists every Const's dtype, shape and optional quantization, in the byte order
of the concatenated .bin shards. This module reads both and emits the same
graph with the `onnx` helper API.

Layout: TensorFlow's tensors are NHWC, ONNX's Conv and pooling are NCHW. Every
tensor here keeps TF's NHWC layout, and each convolution or pooling op is
wrapped in Transpose(NHWC->NCHW) ... Transpose(NCHW->NHWC); element-wise ops,
Reshape (Flatten) and MatMul then behave exactly as in TF. onnxruntime's graph
optimizer folds the back-to-back transposes away.

Only the ops listed in OPS are converted; any other op raises UnsupportedOp
naming it, so a model that needs more fails at import, not at serving time.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
NHWC_TO_NCHW = [0, 3, 1, 2]
NCHW_TO_NHWC = [0, 2, 3, 1]

_DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}
_QUANTIZED = {"uint8": np.uint8, "uint16": np.uint16, "float16": np.float16}


class UnsupportedOp(ValueError):
    pass


def load_weights(model: dict, folder: Path) -> dict[str, np.ndarray]:
    """{name: array} from the weightsManifest and its shards (dequantized to the stored dtype)."""
    weights = {}
    for group in model["weightsManifest"]:
        data = b"".join((folder / path).read_bytes() for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            shape = [int(d) for d in spec["shape"]]
            count = int(np.prod(shape)) if shape else 1
            quant = spec.get("quantization")
            if quant:
                qtype = np.dtype(_QUANTIZED[quant["dtype"]])
                raw = np.frombuffer(data, qtype, count, offset)
                offset += count * qtype.itemsize
                if quant["dtype"] == "float16":
                    values = raw.astype(np.float32)
                elif "scale" in quant:  # affine uint8/uint16: q * scale + min
                    values = raw.astype(np.float32) * quant["scale"] + quant["min"]
                else:
                    raise UnsupportedOp(f"quantization {quant} of {spec['name']}")
                values = values.astype(_DTYPES[spec["dtype"]])
            else:
                if spec["dtype"] not in _DTYPES:
                    raise UnsupportedOp(f"weight dtype {spec['dtype']} of {spec['name']}")
                dtype = np.dtype(_DTYPES[spec["dtype"]])
                values = np.frombuffer(data, dtype, count, offset).copy()
                offset += count * dtype.itemsize
            weights[spec["name"]] = values.reshape(shape)
        if offset != len(data):
            raise ValueError(f"weights of {group['paths']} use {offset} of {len(data)} bytes")
    return weights


def _attr(node: dict, name: str, default=None):
    value = node.get("attr", {}).get(name)
    if value is None:
        return default
    if "list" in value:
        items = value["list"]
        if "i" in items:
            return [int(i) for i in items["i"]]
        if "s" in items:
            return [base64.b64decode(s).decode() for s in items["s"]]
        return []
    if "s" in value:
        return base64.b64decode(value["s"]).decode()
    if "i" in value:
        return int(value["i"])
    if "f" in value:
        return float(value["f"])
    if "b" in value:
        return bool(value["b"])
    if "type" in value:
        return value["type"]
    return default


def _source(name: str) -> str:
    """A node input as a tensor name: drop control inputs' ^ and TF's :0 output index."""
    name = name.lstrip("^")
    if name.endswith(":0"):
        name = name[:-2]
    if ":" in name:
        raise UnsupportedOp(f"second output of a node ({name}) is not supported")
    return name


class _Builder:
    def __init__(self, weights: dict[str, np.ndarray]):
        self.weights = weights
        self.nodes: list = []
        self.initializers: list = []
        self.counter = 0
        self.used: set[str] = set()

    def const(self, name: str, value: np.ndarray) -> str:
        self.used.add(name)
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def ref(self, name: str) -> str:
        """A tensor input by name; a constant becomes an initializer on first use."""
        if name in self.weights and name not in self.used:
            self.used.add(name)
            self.const(name, self.weights[name])
        return name

    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"{base}__{self.counter}"

    def add(self, op: str, inputs: list[str], output: str | None = None, base: str = "t",
            **attrs) -> str:
        output = output or self.fresh(base)
        inputs = [self.ref(name) for name in inputs]
        self.nodes.append(helper.make_node(op, inputs, [output], **attrs))
        return output

    def weight(self, name: str) -> np.ndarray:
        if name not in self.weights:
            raise UnsupportedOp(f"{name} is not a constant (only constant weights are supported)")
        return self.weights[name]

    # -- NHWC wrappers --------------------------------------------------------
    def nchw(self, op: str, x: str, inputs: list[str], out: str, **attrs) -> str:
        x_nchw = self.add("Transpose", [x], base=out + "_nchw", perm=NHWC_TO_NCHW)
        y = self.add(op, [x_nchw, *inputs], base=out + "_y", **attrs)
        return self.add("Transpose", [y], out, perm=NCHW_TO_NHWC)


def _padding(node: dict) -> dict:
    padding = _attr(node, "padding", "VALID")
    if padding == "SAME":
        return {"auto_pad": "SAME_UPPER"}  # TF puts the odd pixel at the end, as SAME_UPPER
    if padding == "VALID":
        return {"auto_pad": "VALID"}
    raise UnsupportedOp(f"padding {padding} in {node['name']}")


def _hw(values: list[int], node: dict, what: str) -> list[int]:
    if _attr(node, "data_format", "NHWC") != "NHWC":
        raise UnsupportedOp(f"data_format {_attr(node, 'data_format')} in {node['name']}")
    if values[0] != 1 or values[3] != 1:
        raise UnsupportedOp(f"{what} {values} across batch or channels in {node['name']}")
    return values[1:3]


def _epilogue(b: _Builder, node: dict, y: str, ops: list[str], extra: list[str]) -> str:
    """The fused ops after a conv or matmul: BiasAdd (first extra input), Relu, Relu6."""
    out = node["name"]
    steps = list(ops)
    if not steps:
        return b.add("Identity", [y], out)
    for index, op in enumerate(steps):
        last = index == len(steps) - 1
        target = out if last else None
        if op == "BiasAdd":
            y = b.add("Add", [y, extra[0]], target, base=out + "_bias")
        elif op == "Relu":
            y = b.add("Relu", [y], target, base=out + "_relu")
        elif op == "Relu6":
            y = b.add("Clip", [y, b.const(b.fresh("zero"), np.float32(0)),
                               b.const(b.fresh("six"), np.float32(6))], target, base=out + "_r6")
        else:
            raise UnsupportedOp(f"fused op {op} in {node['name']} ({node['op']})")
    return y


def _conv(b: _Builder, node: dict, inputs: list[str], depthwise: bool) -> str:
    x, kernel_name = inputs[0], inputs[1]
    kernel = b.weight(kernel_name)  # HWIO, or HW C multiplier for depthwise
    strides = _hw(_attr(node, "strides", [1, 1, 1, 1]), node, "strides")
    dilations = _hw(_attr(node, "dilations", [1, 1, 1, 1]), node, "dilations")
    if depthwise:
        h, w, channels, multiplier = kernel.shape
        oihw = kernel.reshape(h, w, 1, channels * multiplier).transpose(3, 2, 0, 1)
        group = channels
    else:
        oihw = kernel.transpose(3, 2, 0, 1)
        group = 1
    k = b.const(node["name"] + "_kernel_oihw", np.ascontiguousarray(oihw, np.float32))
    y = b.nchw("Conv", x, [k], node["name"] + "_conv", strides=strides, dilations=dilations,
               kernel_shape=list(oihw.shape[2:]), group=group, **_padding(node))
    fused = _attr(node, "fused_ops", []) if node["op"].startswith(("_Fused", "Fused")) else []
    return _epilogue(b, node, y, fused, inputs[2:])


def _pool(b: _Builder, node: dict, inputs: list[str], op: str) -> str:
    kernel = _hw(_attr(node, "ksize"), node, "ksize")
    strides = _hw(_attr(node, "strides"), node, "strides")
    return b.nchw(op, inputs[0], [], node["name"], kernel_shape=kernel, strides=strides,
                  **_padding(node))


def _matmul(b: _Builder, node: dict, inputs: list[str]) -> str:
    a, w = inputs[0], inputs[1]
    if _attr(node, "transpose_a", False):
        raise UnsupportedOp(f"transpose_a in {node['name']}")
    if _attr(node, "transpose_b", False):
        w = b.add("Transpose", [w], base=node["name"] + "_wt", perm=[1, 0])
    y = b.add("MatMul", [a, w], base=node["name"] + "_mm")
    fused = _attr(node, "fused_ops", []) if node["op"] == "_FusedMatMul" else []
    return _epilogue(b, node, y, fused, inputs[2:])


def _reshape(b: _Builder, node: dict, inputs: list[str]) -> str:
    shape = b.weight(inputs[1]).astype(np.int64)
    shape_name = b.const(node["name"] + "_shape", shape)
    return b.add("Reshape", [inputs[0], shape_name], node["name"])


def _mean(b: _Builder, node: dict, inputs: list[str]) -> str:
    axes = [int(a) for a in np.atleast_1d(b.weight(inputs[1]))]
    keep = int(bool(_attr(node, "keep_dims", False)))
    return b.add("ReduceMean", [inputs[0]], node["name"], axes=axes, keepdims=keep)


def _softmax(b: _Builder, node: dict, inputs: list[str]) -> str:
    return b.add("Softmax", [inputs[0]], node["name"], axis=-1)  # TF: the last axis


def _axes(b: _Builder, name: str) -> list[int]:
    return [int(a) for a in np.atleast_1d(b.weight(name))]


def _reduce_max(b: _Builder, node: dict, inputs: list[str]) -> str:
    # opset 13's ReduceMax takes its axes as an attribute (ReduceSum as an input)
    keep = int(bool(_attr(node, "keep_dims", False)))
    return b.add("ReduceMax", [inputs[0]], node["name"], axes=_axes(b, inputs[1]), keepdims=keep)


def _reduce_sum(b: _Builder, node: dict, inputs: list[str]) -> str:
    axes = b.const(node["name"] + "_axes", np.array(_axes(b, inputs[1]), np.int64))
    keep = int(bool(_attr(node, "keep_dims", False)))
    return b.add("ReduceSum", [inputs[0], axes], node["name"], keepdims=keep)


def _pad(b: _Builder, node: dict, inputs: list[str]) -> str:
    """TF's [rank, 2] (before, after) paddings -> ONNX's [all befores, all afters]; zeros."""
    paddings = b.weight(inputs[1]).astype(np.int64)
    pads = b.const(node["name"] + "_pads", np.concatenate([paddings[:, 0], paddings[:, 1]]))
    return b.add("Pad", [inputs[0], pads], node["name"], mode="constant")


def _squeeze(b: _Builder, node: dict, inputs: list[str]) -> str:
    dims = _attr(node, "squeeze_dims", [])
    if not dims:
        raise UnsupportedOp(f"Squeeze without squeeze_dims in {node['name']}")
    axes = b.const(node["name"] + "_axes", np.array(dims, np.int64))
    return b.add("Squeeze", [inputs[0], axes], node["name"])


_SIMPLE = {"Relu": "Relu", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "Identity": "Identity",
           "Add": "Add", "AddV2": "Add", "Sub": "Sub", "Mul": "Mul", "RealDiv": "Div",
           "Maximum": "Max", "Minimum": "Min", "BiasAdd": "Add", "Abs": "Abs"}

OPS = {
    **{op: (lambda b, n, i, onnx_op=onnx_op: b.add(onnx_op, i, n["name"]))
       for op, onnx_op in _SIMPLE.items()},
    "Relu6": lambda b, n, i: _epilogue(b, n, i[0], ["Relu6"], []),
    "Conv2D": lambda b, n, i: _conv(b, n, i, depthwise=False),
    "_FusedConv2D": lambda b, n, i: _conv(b, n, i, depthwise=False),
    "DepthwiseConv2dNative": lambda b, n, i: _conv(b, n, i, depthwise=True),
    "FusedDepthwiseConv2dNative": lambda b, n, i: _conv(b, n, i, depthwise=True),
    "MaxPool": lambda b, n, i: _pool(b, n, i, "MaxPool"),
    "AvgPool": lambda b, n, i: _pool(b, n, i, "AveragePool"),
    "MatMul": _matmul,
    "_FusedMatMul": _matmul,
    "Reshape": _reshape,
    "Mean": _mean,
    "Softmax": _softmax,
    # gear (global max pooling), mobileface (explicit padding), mobilefacenet (PReLU as
    # relu(x) + alpha * (x - |x|) / 2, then an L2 normalisation)
    "Max": _reduce_max,
    "Sum": _reduce_sum,
    "Pad": _pad,
    "Squeeze": _squeeze,
    "Square": lambda b, n, i: b.add("Mul", [i[0], i[0]], n["name"]),
    "Rsqrt": lambda b, n, i: b.add("Reciprocal", [b.add("Sqrt", [i[0]], base=n["name"] + "_sqrt")],
                                   n["name"]),
}


def convert(model_json: Path, *, output_names: list[str] | None = None) -> onnx.ModelProto:
    """The ONNX model of a TFJS graph model (its shards next to model_json).

    Inputs are the Placeholders (NHWC, batch dimension left free); outputs are
    `output_names`, or the signature's outputs, or the nodes nothing consumes.
    """
    model_json = Path(model_json)
    model = json.loads(model_json.read_text())
    if model.get("format") not in (None, "graph-model"):
        raise UnsupportedOp(f"{model_json.name} is a {model.get('format')}, not a graph-model")
    nodes = model["modelTopology"]["node"]
    weights = load_weights(model, model_json.parent)
    b = _Builder(weights)
    unsupported = sorted({n["op"] for n in nodes} - set(OPS) - {"Const", "Placeholder"})
    if unsupported:
        raise UnsupportedOp(f"{model_json.name} uses ops this converter does not map: "
                            f"{unsupported}")

    graph_inputs = []
    for node in nodes:
        op = node["op"]
        if op == "Const":
            if node["name"] not in weights:
                raise UnsupportedOp(f"Const {node['name']} has no entry in the weightsManifest")
            continue
        if op == "Placeholder":
            dims = [int(d.get("size", -1)) for d in
                    _attr_shape(node)]
            shape = [None if d < 0 else d for d in dims]
            shape[0] = "batch"
            graph_inputs.append(helper.make_tensor_value_info(node["name"], TensorProto.FLOAT,
                                                              shape))
            continue
        inputs = [_source(name) for name in node.get("input", []) if not name.startswith("^")]
        OPS[op](b, node, inputs)

    if output_names is None:
        signature = model.get("signature", {}).get("outputs", {})
        output_names = [_source(spec["name"]) for spec in signature.values()] or None
    if output_names is None:
        consumed = {_source(i) for n in nodes for i in n.get("input", [])}
        output_names = [n["name"] for n in nodes
                        if n["op"] not in ("Const", "Placeholder") and n["name"] not in consumed]
    _fuse_clips(b, set(output_names))
    # output shapes from ONNX's own shape inference over the finished graph
    graph = helper.make_graph(b.nodes, model_json.stem, graph_inputs, [], b.initializers)
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                   producer_name="face-analysis convert_tfjs")
    onnx_model.ir_version = 8
    inferred = {v.name: v for v in
                onnx.shape_inference.infer_shapes(onnx_model).graph.value_info}
    for name in output_names:
        if name not in inferred:
            raise UnsupportedOp(f"output {name} is not produced by the converted graph")
        onnx_model.graph.output.append(inferred[name])
    onnx.checker.check_model(onnx_model)
    return onnx_model


def _fuse_clips(b: _Builder, outputs: set[str]) -> None:
    """Keras's relu6 arrives as Maximum(Minimum(x, 6), 0) of scalar constants: one Clip
    instead. The same numbers (measured identical on FaceRes), but onnxruntime keeps a
    Conv + Clip chain in its blocked layout where a Min / Max pair made it convert the
    layout back and forth around every conv: FaceRes (27 such pairs) took 0.7-0.8 of
    its time a face at batch 6, side by side."""
    scalars = {t.name: numpy_helper.to_array(t) for t in b.initializers if len(t.dims) <= 1
               and int(np.prod(t.dims or [1])) == 1}
    consumers: dict[str, list] = {}
    for node in b.nodes:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    fused, dropped = [], set()
    for node in b.nodes:
        if id(node) in dropped:
            continue
        after = consumers.get(node.output[0], [])
        if (node.op_type == "Min" and node.input[1] in scalars and len(after) == 1
                and node.output[0] not in outputs and after[0].op_type == "Max"
                and after[0].input[0] == node.output[0] and after[0].input[1] in scalars):
            lowest, highest = after[0].input[1], node.input[1]
            low = b.const(b.fresh("clip_min"), np.float32(scalars[lowest].reshape(())))
            high = b.const(b.fresh("clip_max"), np.float32(scalars[highest].reshape(())))
            fused.append(helper.make_node("Clip", [node.input[0], low, high],
                                          [after[0].output[0]], name=b.fresh("clip")))
            dropped.add(id(after[0]))
            continue
        fused.append(node)
    b.nodes = fused
    # constants no node reads any more (the Min / Max operands) leave the graph
    read = {name for node in b.nodes for name in node.input}
    b.initializers = [t for t in b.initializers if t.name in read]


def _attr_shape(node: dict) -> list[dict]:
    shape = node.get("attr", {}).get("shape", {}).get("shape", {})
    if "dim" not in shape:
        raise UnsupportedOp(f"Placeholder {node['name']} has no static rank")
    return shape["dim"]


def convert_file(model_json: Path, out_path: Path) -> Path:
    onnx.save(convert(model_json), str(out_path))
    return out_path
