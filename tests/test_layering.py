"""Apps import one way: core <- verdicts, votes, trust, modelspecs <- tools <- newsletter, api
(comparesite on top)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each app may import from the project (besides itself).
ALLOWED = {
    "core": set(),
    "verdicts": {"core"},
    "votes": {"core"},
    "trust": {"core"},
    "modelspecs": {"core"},
    "tools": {"core", "verdicts", "votes", "trust", "modelspecs"},
    "newsletter": {"core", "verdicts", "votes", "tools"},
    "api": {"core", "verdicts", "votes", "trust", "modelspecs", "tools"},
}


def project_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & {*ALLOWED, "comparesite"}


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_apps_below_it(app):
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        wrong = project_imports(path) - ALLOWED[app] - {app}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"
