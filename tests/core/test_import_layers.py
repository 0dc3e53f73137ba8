"""The import layers of docs/architecture: no app imports one above it.

    icms.core  <-  icms.calendar  <-  accounts  <-  filing  <-  payments  <-  causebook

Every import counts, those inside functions too: a lazy import is still a dependency.
The project package (settings, URLs, Celery, /healthz) sits on top and may import any app.
Known violations that a later change removes are listed in PENDING, each with the reason;
the test fails when one is fixed but still listed, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["icms.core", "icms.calendar", "accounts", "filing", "payments", "causebook"]
PACKAGES = {"icms.core": "icms/core", "icms.calendar": "icms/calendar", **{p: p for p in LAYERS[2:]}}

# (importing module, imported layer): why it is still there. Issue 12 removes these.
PENDING: dict[tuple[str, str], str] = {}


def layer_of(module: str) -> str | None:
    for layer in sorted(LAYERS, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def violations(root: Path = ROOT) -> set[tuple[str, str]]:
    found = set()
    for layer, folder in PACKAGES.items():
        for path in (root / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = module_name(path, root)
            own = LAYERS.index(layer_of(module) or layer)
            for target in imported_modules(path, module):
                imported = layer_of(target)
                if imported is not None and LAYERS.index(imported) > own:
                    found.add((module, imported))
    return found


def test_no_app_imports_a_layer_above_it():
    unexpected = sorted(violations() - PENDING.keys())
    assert unexpected == [], f"upward imports (see docs/development.md, 'Layers'): {unexpected}"


def test_the_pending_list_only_shrinks():
    fixed = sorted(PENDING.keys() - violations())
    assert fixed == [], f"no longer violated: remove from PENDING: {fixed}"


def test_the_check_finds_an_upward_import(tmp_path):
    # In a tree of its own: a probe in the real one would fail the test above, run meanwhile
    # by another xdist worker (or another person's run in the same checkout).
    probe = tmp_path / "icms" / "core" / "_layer_probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    from filing.models import Case\n")
    assert violations(tmp_path) == {("icms.core._layer_probe", "filing")}


# --- Circles ------------------------------------------------------------------------


def is_service_task_pair(importer: str, imported: str) -> bool:
    """An app's tasks calling its services, which queue those tasks: the one circle allowed."""
    app, _, rest = importer.partition(".")
    return rest == "tasks" and (imported == f"{app}.services" or imported.startswith(f"{app}.services."))


def import_graph() -> dict[str, set[str]]:
    modules = {}
    for folder in PACKAGES.values():
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return {
        module: {target for target in imported_modules(path, module) if target in modules and target != module}
        for module, path in modules.items()
    }


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm),
    leaving out the allowed tasks-to-services edges."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if is_service_task_pair(module, target):
                continue
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_modules_import_each_other_in_a_circle():
    assert circles(import_graph()) == [], "import circles (see docs/development.md, 'Layers')"


def test_the_check_finds_a_circle():
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.tasks": {"a.services"}, "a.services": {"a.tasks"}}
    assert circles(graph) == [["a.x", "a.y", "a.z"]]
