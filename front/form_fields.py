"""One input convention for the multipart endpoints: which fields a request sent, and
the list-valued `attributes` whichever way it was written.

The request guard (security.py) parses every multipart body before BentoML does;
`check_names` looks at the field names it found. Without it BentoML keeps the first
of two `file` parts and silently drops the other, and a photo sent under a wrong
name (`-F image=@photo.jpg`) is measured as a text field and refused as too large,
which hides the real mistake.

`attributes` may be repeated (`-F attributes=age -F attributes=gender`), a JSON list
string or a comma string. BentoML keeps only the last of repeated text fields, so
the guard records the repeated values in the request scope (`remember_lists`) and
the endpoint reads them back (`attributes_of`).
"""

from __future__ import annotations

import json

# text fields that may be sent more than once, their values making one list
LIST_FIELDS = frozenset({"attributes"})
SCOPE_KEY = "face_analysis.form_lists"


def _names(names) -> str:
    return ", ".join(names) if names else "no fields"


def check_names(route, parts: list[dict]) -> tuple[int, str] | None:
    """(400, detail) when the file fields are missing, doubled or sent under another
    name; `parts` are the guard's parsed parts ({"name": bytes, "is_file": bool})."""
    sent = [part["name"].decode("utf-8", "replace") for part in parts if part.get("name")]
    takes = f"{route.path or 'this endpoint'} takes {_names(route.fields)}"
    for name in sorted(route.file_fields):
        count = sent.count(name)
        if count > 1 and name not in getattr(route, "list_files", ()):
            return 400, (f"field '{name}' was sent {count} times; {takes}, "
                         f"with one '{name}' file")
    # an upload under a name the endpoint does not take (a text field may come as a
    # file part: BentoML reads it as text)
    stray = [part["name"].decode("utf-8", "replace") for part in parts
             if part.get("is_file") and part.get("name") and route.fields
             and part["name"].decode("utf-8", "replace") not in route.fields]
    missing = sorted(route.required_files - set(sent))
    if missing or stray:
        wanted = " and ".join(f"'{name}'" for name in (missing or sorted(route.file_fields)))
        got = f"got {_names(sorted(set(sent)))}"
        if stray:
            got += f" (a file under {', '.join(repr(n) for n in sorted(set(stray)))})"
        return 400, f"no {wanted} file field; {takes}; the request {got}"
    return None


def remember_lists(scope: dict, parts: list[dict]) -> None:
    """Keep the values of repeated LIST_FIELDS in the request scope for attributes_of."""
    values: dict[str, list[str]] = {}
    for part in parts:
        name = (part.get("name") or b"").decode("utf-8", "replace")
        if name in LIST_FIELDS and not part.get("is_file"):
            values.setdefault(name, []).append(bytes(part["data"]).decode("utf-8", "replace"))
    repeated = {name: found for name, found in values.items() if len(found) > 1}
    if repeated:
        scope[SCOPE_KEY] = repeated


def attributes_of(value, request=None) -> list[str] | str | None:
    """The attributes a request asked for, as Options.parse takes them: every repeated
    form value (each may itself be a comma string or a JSON list), else the one value
    as sent (BentoML has already decoded a JSON list string into a list)."""
    repeated = (getattr(request, "scope", None) or {}).get(SCOPE_KEY, {}).get("attributes")
    if repeated:
        names: list[str] = []
        for item in repeated:
            names.extend(_as_list(item))
        return names
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return value


def _as_list(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("["):
        try:
            decoded = json.loads(text)
        except ValueError:
            decoded = None
        if isinstance(decoded, list):
            return [str(item).strip() for item in decoded if str(item).strip()]
    return [item.strip() for item in text.split(",") if item.strip()]
