"""settings.py is the one place FACE_* variables are declared and read."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

import pytest

import settings

ROOT = Path(__file__).resolve().parent.parent
# every Python file of the project but the tests and settings.py itself
CODE = [p for p in ROOT.rglob("*.py")
        if not {".venv", "tests", ".git", "build"} & set(p.relative_to(ROOT).parts)
        and p.name != "settings.py"]
NAME = re.compile(r"FACE_[A-Z0-9_]*[A-Z0-9]")
# env reads anywhere but settings.py: os.environ.get("FACE_..."), environ["FACE_..."], getenv
DIRECT_READ = re.compile(
    r"""(environ|env)(\.get\(|\[)\s*["']FACE_\w*["'](?!\]\s*=)|getenv\(\s*["']FACE_""")


def named_in_strings(path: Path) -> set[str]:
    found = set()
    with open(path, "rb") as handle:
        for token in tokenize.tokenize(handle.readline):
            if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                found |= set(NAME.findall(token.string))
    return found


def test_every_variable_the_code_names_is_declared():
    undeclared = {f"{name} ({path.relative_to(ROOT)})" for path in CODE
                  for name in named_in_strings(path) if name not in settings.VARIABLES}
    assert not undeclared, f"declare these in settings.py: {sorted(undeclared)}"


def test_no_code_but_settings_reads_a_face_variable():
    readers = [f"{path.relative_to(ROOT)}:{number}" for path in CODE
               for number, line in enumerate(path.read_text().splitlines(), 1)
               if DIRECT_READ.search(line)]
    assert not readers, f"read these through settings.read / settings.raw: {readers}"


def test_the_documented_table_is_the_declared_one():
    documented = (ROOT / "docs" / "configuration.md").read_text()
    assert settings.markdown_table() in documented, "regenerate it: python -m settings"


def test_read_gives_the_default_when_unset_or_empty():
    assert settings.read("FACE_MAX_FACES", {}) == "100"
    assert settings.read("FACE_MAX_FACES", {"FACE_MAX_FACES": "  "}) == "100"
    assert settings.read("FACE_MAX_FACES", {"FACE_MAX_FACES": " 7 "}) == "7"
    assert settings.raw("FACE_URL_SCHEMES", {"FACE_URL_SCHEMES": ""}) == ""
    assert settings.raw("FACE_URL_SCHEMES", {}) is None
    with pytest.raises(KeyError, match="not declared"):
        settings.read("FACE_NO_SUCH_THING", {})
