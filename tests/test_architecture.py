"""The layers hold: geodata never imports dash, plotly, folium or the dashboard; no import circles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dashboard.i18n import LANGUAGES, catalogue

REPO = Path(__file__).resolve().parent.parent


def test_geodata_imports_no_interface_package():
    code = (
        "import sys, pkgutil, importlib, geodata, json\n"
        "for m in pkgutil.walk_packages(geodata.__path__, 'geodata.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(json.dumps(sorted(k for k in sys.modules if k.split('.')[0] in "
        "('dash', 'plotly', 'folium', 'dashboard', 'flask'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []


def test_the_import_contracts_in_pyproject_hold():
    """import-linter reads every import, those inside functions too, against the contracts in pyproject.toml."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_catalogues_have_the_same_keys():
    keys = [set(catalogue(lang)) for lang in LANGUAGES]
    assert all(k == keys[0] for k in keys)
    assert catalogue("sv")["app.tagline"] != catalogue("en")["app.tagline"]


def test_every_vocabulary_code_has_a_label():
    from geodata import vocab

    groups = {
        "category": vocab.UNSAFE_CATEGORIES,
        "source": vocab.REPORT_SOURCES,
        "time_of_day": vocab.TIMES_OF_DAY,
        "site_type": vocab.SITE_TYPES,
        "finding": vocab.FINDINGS,
        "check": vocab.CHECKLIST,
        "status": vocab.SITE_STATUSES,
        "operation_kind": vocab.OPERATION_KINDS,
        "focus": vocab.OPERATION_FOCUS,
        "visibility": vocab.VISIBILITY,
        "promise_kind": vocab.PROMISE_KINDS,
        "partner_kind": vocab.PARTNER_KINDS,
    }
    from geodata.views.progress import STATUSES

    groups["progress.status"] = STATUSES
    for lang in LANGUAGES:
        texts = catalogue(lang)
        missing = [f"{g}.{c}" for g, codes in groups.items() for c in codes if f"{g}.{c}" not in texts]
        assert missing == [], lang


def test_each_curated_api_lists_what_it_loads_and_every_name_resolves():
    """__all__ stays a literal list (for ruff, mypy and readers); it must name exactly what the lazy table loads."""
    import ast
    import importlib

    for package, computed in (("geodata", {"__version__"}), ("geodata.analysis", set())):
        module = importlib.import_module(package)
        assert set(module.__all__) == set(module._API) | computed, package
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{package}.{name}"
        # The names imported for type checkers are the same ones, from the same modules.
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        typed = {
            alias.name: node.module
            for block in tree.body
            if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
            for node in block.body
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        assert typed == module._API, package
