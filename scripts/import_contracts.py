"""An import-linter contract type for the app boundaries of docs/architecture.md (pyproject
[tool.importlinter], run by `lint-imports` from scripts/lint.py).

`app_boundaries`: a module of one app may import another app's services, selectors, models and helpers,
but never its `views` module (pages are an app's own; `shared_views` lists the helpers every page is built
on) nor a private name (`_escalate`) or private module (`jiceng.cases._x`) of it. Import-linter's graph
knows modules, not names, so the names are read from each importing file's own `from … import` lines.
Tests may reach into their own app only, like everyone else.
"""

import ast
import importlib.util
from functools import cache
from pathlib import Path

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _module_file(module: str) -> Path | None:
    """The file of `module`, found without importing it or its parent packages (`find_spec` of a submodule
    imports its package, and a models package's `__init__` loads Django models, which needs settings)."""
    root, *rest = module.split(".")
    spec = importlib.util.find_spec(root)
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations))).joinpath(*rest)
    for candidate in (base.parent / (base.name + ".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _from_imports(module: str) -> dict[int, list[str]]:
    """Line number -> names of every `from x import names` statement in `module`'s file (any depth)."""
    origin = _module_file(module)
    if origin is None:
        return {}
    with open(origin, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    return {node.lineno: [alias.name for alias in node.names] for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)}


class AppBoundariesContract(Contract):
    type_name = "app_boundaries"

    apps = fields.ListField(subfield=fields.StringField())
    shared_views = fields.ListField(subfield=fields.StringField(), required=False)

    def _app_of(self, module: str) -> str | None:
        for app in self.apps:  # type: ignore[attr-defined]
            if module == app or module.startswith(app + "."):
                return app
        return None

    def check(self, graph, verbose: bool) -> ContractCheck:
        shared = set(self.shared_views or [])  # type: ignore[attr-defined]
        problems = []
        for app in self.apps:  # type: ignore[attr-defined]
            for importer in sorted(graph.find_descendants(app) | {app}):
                if ".migrations." in importer + ".":
                    continue
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    other = self._app_of(imported)
                    if other is None or other == app:
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    lines = sorted({d["line_number"] for d in details})
                    tail = imported[len(other) + 1:].split(".") if imported != other else []
                    if tail and tail[-1] == "views" and imported not in shared:
                        problems.append((importer, imported, lines, "imports another app's views"))
                    elif any(part.startswith("_") and not part.startswith("__") for part in tail):
                        problems.append((importer, imported, lines, "imports another app's private module"))
                    for line in lines:
                        names = _from_imports(importer).get(line, [])
                        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                        if private:
                            problems.append((importer, imported, [line],
                                             f"imports another app's private names {', '.join(private)}"))
                        if "views" in names and f"{imported}.views" not in shared:
                            problems.append((importer, imported, [line], "imports another app's views"))
        problems = list(dict.fromkeys((i, m, tuple(lines), what) for i, m, lines, what in problems))
        return ContractCheck(kept=not problems, metadata={"problems": problems})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Another app's views or private names imported:", bold=False)
        output.new_line()
        for importer, imported, lines, what in check.metadata["problems"]:
            output.print_error(f"- {importer} -> {imported} (l.{', '.join(map(str, lines))}): {what}", bold=False)
        output.new_line()
