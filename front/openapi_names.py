"""Names a person would write in the published OpenAPI document, so that a client
generated from /docs.json installs and reads well (issue 25).

BentoML names operations `face-analysis__analyze`, tags them "Service APIs", titles
its schemas `AnalyzeResponseIODescriptor` / `analyze__Input`, writes request and
response bodies inline (a generator makes a second model of each), gives optional
form fields `default: null` (a generated client then sends max_faces=None as the
string "None"), reports version "None" and describes itself with BentoML's own
boilerplate. `humanize` gives the document the service's own title, version and
description, operationIds `analyze`, `compare_faces`, ..., one short named schema
per body (`AnalyzeRequest`, `AnalyzeResponse`, `ErrorDetail`), and request fields
without defaults, so that a field left unset is not sent.
"""

from __future__ import annotations

import copy
import re

from front.service_version import SERVICE, VERSION

DESCRIPTION = (
    "Self-hostable face analysis: every face in a photo (or an ID document, PDF too) "
    "with its box, landmarks, head pose, age, gender, emotion, colours and a "
    "recognition embedding; ID-photo extraction, face comparison, quality, liveness, "
    "mask and body checks. Every error answers `{\"detail\": str, \"code\": str}` "
    "with a 4xx. The web page is at [/ui](./ui); this document is at "
    "[/docs.json](./docs.json).")
TAGS = {"Service APIs": SERVICE, "image_api": "image-api", "Infrastructure": "infrastructure"}
REF = "#/components/schemas/"
FORM = "multipart/form-data"


def camel(name: str) -> str:
    """analyze_base64 -> AnalyzeBase64"""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", name) if part)


def operation_id(path: str, method: str, operation: dict) -> str:
    """face-analysis__analyze -> analyze; GET /readyz -> readyz."""
    given = operation.get("operationId")
    if given:
        return given.rsplit("__", 1)[-1]
    return re.sub(r"\W+", "_", path.strip("/")) or method


def schema_name(title: str | None, fallback: str) -> str:
    """AnalyzeResponseIODescriptor -> AnalyzeResponse; anything else -> fallback."""
    if title and title.endswith("IODescriptor"):
        return title[: -len("IODescriptor")]
    return fallback


def humanize(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    spec["info"] = {"title": SERVICE, "version": VERSION, "description": DESCRIPTION}
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    renamed: dict[str, str] = {}
    seen_ids: set[str] = set()
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            ident = operation_id(path, method, operation)
            if ident in seen_ids:
                raise ValueError(f"two operations are both named {ident}")
            seen_ids.add(ident)
            operation["operationId"] = ident
            operation["tags"] = [TAGS.get(tag, tag) for tag in operation.get("tags", [])]
            for kind, media in operation.get("requestBody", {}).get("content", {}).items():
                media["schema"] = _named(schemas, renamed, media["schema"],
                                         f"{camel(ident)}Request", request=kind)
            ok = operation.get("responses", {}).get("200", {})
            for media in ok.get("content", {}).values():
                media["schema"] = _named(schemas, renamed, media["schema"],
                                         f"{camel(ident)}Response", request=False)
    for old, new in list(renamed.items()):
        if old in schemas and old != new:
            schemas[new] = schemas.pop(old)
    spec = _retarget(spec, renamed)
    _prune(spec)
    return spec


def _named(schemas: dict, renamed: dict, schema: dict, fallback: str,
           request: str | bool) -> dict:
    """A body's schema as a $ref to one short-named component (hoisted if inline)."""
    if "$ref" in schema:
        old = schema["$ref"].removeprefix(REF)
        new = renamed.get(old) or schema_name(old, old)
        if request:
            _no_defaults(schemas.get(old, {}), form=request == FORM)
        if new != old:
            _claim(schemas, renamed, old, new)
        return {"$ref": REF + new}
    if schema.get("type") != "object":
        return schema
    name = schema_name(schema.get("title"), fallback)
    body = dict(schema, title=name)
    if request:
        _no_defaults(body, form=request == FORM)
    if name in renamed.values() or (name in schemas and schemas[name] != body):
        raise ValueError(f"two different bodies would both be named {name}")
    schemas[name] = body  # the same body of two endpoints (/analyze, /analyze-base64): one
    return {"$ref": REF + name}


def _claim(schemas: dict, renamed: dict, old: str, new: str) -> None:
    if (new in schemas and new != old) or (new in renamed.values() and renamed.get(old) != new):
        raise ValueError(f"{old} and another schema would both be named {new}")
    renamed[old] = new
    schemas[old]["title"] = new


def _no_defaults(schema: dict, form: bool) -> None:
    """A request field's default goes into its description: a generated client then
    leaves an unset field out instead of sending its default (or "None"). A form
    field is never null (it is left out): not nullable there; JSON keeps null."""
    for field in schema.get("properties", {}).values():
        if "default" not in field:
            continue
        default = field.pop("default")
        if default is not None and default != "":
            note = f"Default: {default!r}." if not isinstance(default, bool) else \
                f"Default: {str(default).lower()}."
            field["description"] = f"{field.get('description', '').rstrip()} {note}".strip()
        if form:
            field.pop("nullable", None)


def _retarget(node, renamed: dict):
    if isinstance(node, list):
        return [_retarget(item, renamed) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _retarget(value, renamed) for key, value in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith(REF) and ref[len(REF):] in renamed:
        out["$ref"] = REF + renamed[ref[len(REF):]]
    return out


def _refs(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF):
            found.add(ref[len(REF):])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def _prune(spec: dict) -> None:
    """Drop schemas nothing refers to (BentoML's unused `analyze__Input` and kin)."""
    schemas = spec["components"]["schemas"]
    used = _refs(spec["paths"], set())
    while True:
        more = set()
        for name in used:
            _refs(schemas.get(name, {}), more)
        if more <= used:
            break
        used |= more
    for name in set(schemas) - used:
        del schemas[name]
