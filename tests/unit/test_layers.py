"""Dependencies point one way (issue 20): api -> services -> (storage, jobs, models).

Reads the imports of every module (module level and inside functions, where heavy or circular
imports hide) and fails on a forbidden edge, naming the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# (importer package, forbidden import prefixes, why)
HTTP = ("backend.api", "flask", "flask_smorest")
RULES = [
    ("backend.jobs", ("backend.services", *HTTP), "the job system sits below the use cases"),
    ("backend.storage", ("backend.services", "backend.jobs", *HTTP), "data access only"),
    ("backend.services", HTTP, "use cases know no HTTP"),
    ("models", ("backend", "flask", "flask_smorest"), "ML code knows nothing of the service"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[str, int]]:
    """(module, line) for every import in `source`, relative ones resolved against `module`."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            # `from backend import services` imports the package backend.services.
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
            found.append((target, node.lineno))
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _sources(package: str) -> list[Path]:
    return sorted((REPO / package.replace(".", "/")).rglob("*.py"))


def test_the_import_reader_sees_function_level_relative_and_package_imports():
    source = (
        "import models.timegan\n"
        "from backend import services\n"
        "from . import kinds\n"
        "from ..services.models import register_model\n"
        "def f():\n"
        "    import flask_smorest\n"
    )
    names = {name for name, _ in imported_modules(source, "backend.jobs.context")}
    assert "models.timegan" in names
    assert "backend.services" in names
    assert "backend.jobs.kinds" in names
    assert "backend.services.models" in names
    assert "flask_smorest" in names


@pytest.mark.parametrize(("importer", "forbidden", "why"), RULES)
def test_no_import_runs_against_the_layers(importer, forbidden, why):  # noqa: ANN001
    files = _sources(importer)
    assert files, f"no modules found under {importer}"
    offences = []
    for path in files:
        module = module_name(path)
        is_package = path.name == "__init__.py"
        for name, line in imported_modules(path.read_text(), module, is_package):
            if any(_within(name, prefix) for prefix in forbidden):
                offences.append(f"{path.relative_to(REPO)}:{line} imports {name}")
    assert not offences, f"{importer} must not import {forbidden} ({why}):\n" + "\n".join(
        sorted(set(offences))
    )
