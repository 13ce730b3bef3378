"""The gui subpackages import one another only as the architecture allows, and no gui modules import in a cycle.

Every module under gui/ is parsed with ``ast`` (never imported): each import of a gui module, at the top
or inside a function, is an edge from the importing module to the imported one.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# subpackage → the other subpackages it may import (besides gui.common, which every one may)
ALLOWED = {
    "common": set(),
    "training": set(),
    "network_view": set(),
    "evaluation": set(),
    "walkthrough": {"training"},
    "draw_pad": {"network_view", "training"},
    "files": {"training"},
    "datasets": {"training"},
    "compare": set(),
    "shell": {"training", "network_view", "walkthrough", "draw_pad", "evaluation", "files", "datasets", "compare"},
}


def gui_sources(root=ROOT):
    """{module name: source} of every module under gui/ ("gui.shell.main_window", "gui.draw_pad" …)."""
    sources = {}
    for path in sorted((root / "gui").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        sources[".".join(parts)] = path.read_text(encoding="utf-8")
    return sources


def imports(name, source, modules):
    """The gui modules among ``modules`` that module ``name`` imports (the deepest module each import names)."""
    is_package = any(other.startswith(name + ".") for other in modules)
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package ``level - 1`` above this one
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names]  # a submodule, or a name in ``base``
        else:
            continue
        for target in targets:
            while target and target not in modules:  # "gui.x.y.Name" → the module "gui.x.y"
                target = target.rpartition(".")[0]
            if target.startswith("gui") and target != name:
                found.add(target)
    return found


def subpackage(module):
    """"gui.shell.main_window" → "shell"; the gui package itself → None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def violations(sources):
    """["gui.a.x imports gui.b.y", …]: imports between subpackages that ALLOWED does not allow."""
    modules = set(sources)
    bad = []
    for name, source in sorted(sources.items()):
        here = subpackage(name)
        if here is None:  # gui/__init__.py: the public surface, may name anything
            continue
        for target in sorted(imports(name, source, modules)):
            there = subpackage(target)
            if there in (here, "common") or there in ALLOWED.get(here, set()):
                continue
            bad.append(f"{name} imports {target}")
    return bad


def cycles(sources):
    """Import cycles between gui modules, each as [a, b, …, a]; an import of a package's own
    ``__init__`` by its modules (``gui.draw_pad.pad`` → ``gui.draw_pad``) is no edge: Python loads it first anyway."""
    modules = set(sources)
    graph = {name: {t for t in imports(name, src, modules) if not name.startswith(t + ".")}
             for name, src in sources.items()}
    found, state, stack = [], {}, []  # state: 1 on the stack, 2 done

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_gui_subpackages_import_only_what_the_architecture_allows():
    sources = gui_sources()
    assert {"gui.shell.main_window", "gui.evaluation.tab", "gui.common.worker_thread"} <= set(sources)
    assert violations(sources) == []


def test_gui_modules_import_in_no_cycle():
    assert cycles(gui_sources()) == []


def test_the_checks_would_notice_a_forbidden_import_and_a_cycle():
    """The checks are real: a forbidden import, in any of its forms, and a cycle between modules are reported."""
    sources = {
        "gui": "",
        "gui.common.a": "",
        "gui.shell.view_menu": "from gui.common.a import x\n",
        "gui.evaluation.tab": "from gui.shell.view_menu import ViewMenu\n",
        "gui.evaluation.late": "def f():\n    import gui.files.b as b\n",
        "gui.evaluation.relative": "from ..shell import view_menu\n",
        "gui.files.b": "from gui.training import c\n",
        "gui.training": "",
        "gui.training.c": "from gui.training.d import y\n",
        "gui.training.d": "import gui.training.c\n",
    }
    assert violations(sources) == ["gui.evaluation.late imports gui.files.b",
                                   "gui.evaluation.relative imports gui.shell.view_menu",
                                   "gui.evaluation.tab imports gui.shell.view_menu"]
    assert cycles(sources) == [["gui.training.c", "gui.training.d", "gui.training.c"]]
    assert violations(gui_sources()) == []  # and the real tree, with the same code, passes
