"""The domain stands alone: geodata never imports dash, plotly, folium or the dashboard."""

from __future__ import annotations

import json
import subprocess
import sys

from dashboard.i18n import LANGUAGES, catalogue


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


def test_catalogues_have_the_same_keys():
    keys = [set(catalogue(lang)) for lang in LANGUAGES]
    assert all(k == keys[0] for k in keys)
    assert catalogue("sv")["app.tagline"] != catalogue("en")["app.tagline"]
