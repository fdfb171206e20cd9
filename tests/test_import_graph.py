"""The project's import graph (every module's imports, read with ast, at any depth of
the file: an import inside a function counts): no cycle, and the edges the layers keep."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("allocator", "analyzers", "compat", "front", "inputs", "measures", "models",
            "model_services", "responses", "schemas", "security", "service", "settings",
            "topology", "errors", "precision", "ui", "training", "bench", "testkit", "gallery", "bulk",
            "deploy", "clients")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).parts
        if relative[0] in PACKAGES or relative[0].removesuffix(".py") in PACKAGES:
            if ".venv" not in relative and "__pycache__" not in relative:
                found[module_name(path)] = path
    return found


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an import names (a name inside a module: that module)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            target = resolve(name, modules)
            if target and target != module:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {module: imports_of(module, path, modules) for module, path in modules.items()}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def reaches(edges: dict[str, set[str]], start: str, prefix: str) -> list[str] | None:
    """A path of imports from `start` to a module under `prefix`, or None."""
    seen, paths = {start}, [[start]]
    while paths:
        path = paths.pop()
        for target in sorted(edges.get(path[-1], ())):
            if target == prefix or target.startswith(prefix + "."):
                return [*path, target]
            if target not in seen:
                seen.add(target)
                paths.append([*path, target])
    return None


def test_the_check_finds_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None
    assert reaches({"a": {"b"}, "b": {"testkit.photos"}}, "a", "testkit") == \
        ["a", "b", "testkit.photos"]


def test_no_import_cycle():
    found = cycle(graph())
    assert found is None, " -> ".join(found)


def test_production_never_imports_testkit():
    edges = graph()
    production = [m for m in edges if m.split(".")[0] not in ("testkit", "bench", "training")]
    for module in production:
        path = reaches(edges, module, "testkit")
        assert path is None, " -> ".join(path)


def test_models_never_import_the_orchestration():
    """analyzers/ by kind: the detectors, per-face and whole-image models and the runtime
    under them never reach the orchestration at analyzers/'s top (face_analysis, tasks,
    upload_pixels, tight_crops)."""
    edges = graph()
    kinds = ("analyzers.detectors", "analyzers.face_models", "analyzers.image_models",
             "analyzers.runtime")
    top = ("analyzers.face_analysis", "analyzers.tasks", "analyzers.upload_pixels",
           "analyzers.tight_crops")
    models = [m for m in edges if m.startswith(kinds)]
    assert len(models) > 30
    for module in models:
        for orchestration in top:
            path = reaches(edges, module, orchestration)
            assert path is None, " -> ".join(path)


def test_every_wrapper_lives_in_the_folder_of_its_kind():
    from models.registry import SOURCES

    for source in SOURCES:
        module = source.wrapper.partition(":")[0]
        if not module.startswith("analyzers."):
            continue  # a plugin's own module
        kind = ("analyzers.detectors." if source.answer == "detections" else
                "analyzers.image_models." if source.task in ("segmentation", "body") else
                "analyzers.face_models.")
        assert module.startswith(kind), (source.name, module)
def imported_by(edges: dict[str, set[str]], prefixes: tuple[str, ...]) -> dict[str, set[str]]:
    """module -> the modules under `prefixes` it imports directly."""
    return {module: found for module, targets in edges.items()
            if (found := {t for t in targets if t.split(".")[0] in prefixes})}


def test_the_analysis_knows_no_answer_shape():
    # analysis, inputs, measures and models below every route: they answer plain records
    lower = ("analyzers", "inputs", "measures", "models")
    edges = {m: t for m, t in graph().items() if m.split(".")[0] in lower}
    assert imported_by(edges, ("responses", "compat", "front", "service", "gallery")) == {}


def test_native_code_never_imports_the_compatibility_layer():
    # compat wraps native answers at the edge: only the routes that serve its
    # contracts (front/, service.py) reach it
    edges = {m: t for m, t in graph().items()
             if m.split(".")[0] not in ("compat", "front", "service")}
    assert imported_by(edges, ("compat",)) == {}
    responses = {m: t for m, t in graph().items() if m.split(".")[0] == "responses"}
    assert imported_by(responses, ("compat", "front")) == {}


def test_input_error_comes_from_errors():
    found = []
    for module, path in project_modules().items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module != "errors" and \
                    any(alias.name == "InputError" for alias in node.names):
                found.append(f"{module}: from {node.module} import InputError")
    assert found == []
