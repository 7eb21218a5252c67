"""The package's shape: no import cycles outside the tensor core, small files, helpers written once.

Imports are read from the source (also those inside functions: a call-time import still ties two
modules together), so these tests need no import of gradwork itself.
"""

import ast
import pathlib
import re

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "gradwork"
MAX_LINES = 400

# The tensor core: Tensor's operators create ops, ops create Tensors, the engine walks both. This is
# the one cycle the package has, tied in one place (the last lines of tensor.py).
CORE = ("gradwork.tensor", "gradwork.autograd.", "gradwork.ops.")


def _modules():
    """{dotted name: (path, is_package)} for every module of the package."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _targets(module, is_package, node, modules):
    """The modules an import statement loads (the imported submodule where the name is one)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    source = ".".join(base + [node.module] if node.module else base) if node.level else node.module
    return [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source for alias in node.names]


def import_graph():
    """{module: set of gradwork modules its import statements load}.

    Importing `a.b.c` also runs `a/b/__init__.py`, so an import adds an edge to each enclosing
    package too, except the top package and packages that enclose the importer itself (those are
    already loading when the importer runs).
    """
    modules = _modules()
    graph = {}
    for name, (path, is_package) in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(name, is_package, node, modules):
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if not target.startswith("gradwork") or target == name:
                    continue
                parts = target.split(".")
                for k in range(2, len(parts) + 1):
                    enclosing = ".".join(parts[:k])
                    if enclosing in modules and not name.startswith(enclosing + ".") and enclosing != name:
                        edges.add(enclosing)
        graph[name] = edges
    return graph


def strongly_connected(graph):
    """Groups of two or more modules that import each other, directly or around a loop (Tarjan, iterative)."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_the_only_import_cycle_is_the_tensor_core():
    groups = strongly_connected(import_graph())
    outside = [group for group in groups if not all(m.startswith(CORE) for m in group)]
    assert outside == [], f"import cycles outside the tensor core: {outside}"


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_library_file_is_over_400_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}, f"files over {MAX_LINES} lines: {long}"


def test_the_tensor_core_is_tied_in_one_place():
    late = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
            if re.search(r"^(from|import) .*# noqa: E402", p.read_text(), re.MULTILINE)]
    assert late == ["tensor.py"], f"modules importing after their code: {late}"


def test_snake_case_is_written_once():
    pattern = re.compile(r"^\s*def\s+_?\w*snake\w*\s*\(", re.MULTILINE)
    homes = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if pattern.search(p.read_text())]
    assert homes == ["registry.py"], f"snake_case helpers in {homes}"
