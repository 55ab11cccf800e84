"""Installed from a built wheel, not from the checkout: every module imports, the app serves its pages and assets.

The wheel is built from this checkout and installed without dependencies
into a new virtual environment; the dependencies are the ones already
installed (the locked versions), made visible by a path entry that does not
run their ``.pth`` files, so the checkout's own editable install stays out
of sight. The tests run from a folder outside the checkout.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
        cwd=out,
    )
    (found,) = out.glob("pledgemap-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; its python."""
    where = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(with_pip=False).create(where)
    python = where / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # pip of this environment, run for the new one's interpreter (so the command's script starts that interpreter).
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert (where / "bin" / "pledgemap").read_text().startswith(f"#!{python}")
    # Then the locked dependencies, as a plain path: their .pth files (the checkout's editable finder among them) do
    # not run. Only after the install, or pip would take the checkout's install for this one and replace it.
    Path(purelib, "locked-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def _run(python: Path, *args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PLEDGEMAP_"))}
    return subprocess.run([str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, **kwargs)


def test_the_wheel_carries_every_package_and_the_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {
        str(p.parent.relative_to(REPO))
        for p in REPO.glob("*/**/__init__.py")
        if p.relative_to(REPO).parts[0] in ("geodata", "dashboard")
    }
    assert {f"{p}/__init__.py" for p in packages} <= names
    for path in (REPO / "dashboard" / "assets").rglob("*"):
        if path.is_file():
            assert str(path.relative_to(REPO)) in names
    assert {"dashboard/locales/sv.json", "geodata/data/pledges/mark-2021.yaml", "geodata/data/vocabulary.yaml"} <= names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_every_module_imports_from_the_installed_package(installed, tmp_path):
    code = (
        "import importlib, pkgutil, dashboard, geodata\n"
        "import sysconfig\n"
        "own = sysconfig.get_paths()['purelib']  # this environment's, not the locked dependencies' of the checkout\n"
        "assert geodata.__file__.startswith(own) and dashboard.__file__.startswith(own), geodata.__file__\n"
        "names = [m.name for p in (geodata, dashboard) for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.')]\n"
        "for name in names:\n"
        "    # pages register themselves with an app (served below); a __main__ module runs its program\n"
        "    if not name.startswith('dashboard.pages.') and not name.endswith('.__main__'):\n"
        "        importlib.import_module(name)\n"
        "print(len(names), geodata.__version__)\n"
    )
    result = _run(installed, "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    count, version = result.stdout.split()
    assert int(count) > 60
    assert version[0].isdigit() and version != "0+unknown"


def test_the_installed_command_exports_a_standalone_map(installed, tmp_path):
    pledgemap = installed.parent / "pledgemap"
    data = tmp_path / "demo.gpkg"
    assert _run(pledgemap, "demo", "--data", str(data), cwd=tmp_path).returncode == 0
    out = tmp_path / "karta.html"
    result = _run(
        pledgemap,
        "export",
        "--data",
        str(data),
        "--pledge",
        "mark-2021",
        "--format",
        "html",
        "--output",
        str(out),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    leaflet = (REPO / "dashboard" / "assets" / "vendor" / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet[:200] in html  # the vendored Leaflet, inlined from the installed package
    assert '<script src="http' not in html and '<link rel="stylesheet" href="http' not in html


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.browser
def test_the_installed_command_serves_pages_and_assets(installed, tmp_path):
    pledgemap = installed.parent / "pledgemap"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PLEDGEMAP_"))}
    server = subprocess.Popen(
        [str(pledgemap), "serve", "--data", str(tmp_path / "demo.gpkg"), "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                page = urllib.request.urlopen(f"{base}/", timeout=10).read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stdout.read() if server.poll() is not None else "no answer") from None
                time.sleep(0.5)
        assert "Pledgemap" in page and "/assets/pledgemap.css" in page
        css = urllib.request.urlopen(f"{base}/assets/pledgemap.css", timeout=10)
        assert css.status == 200 and b"{" in css.read()
        # The pages' own plotly.js, from the installed package (Dash's full bundle is never asked for).
        assert "/assets/vendor/plotly/plotly.min.js" in page and "/assets/vendor/leaflet/" not in page
        plotly = urllib.request.urlopen(f"{base}/assets/vendor/plotly/plotly.min.js", timeout=10)
        assert plotly.status == 200 and b"plotly.js" in plotly.read(200)
        layout = urllib.request.urlopen(f"{base}/_dash-layout", timeout=30)
        assert layout.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_database_store_without_the_postgis_extra_says_how_to_install_it(tmp_path):
    """Run where SQLAlchemy cannot be imported, as after a plain 'pip install pledgemap'."""
    blocker = tmp_path / "no_sqlalchemy.py"
    blocker.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('sqlalchemy', 'geoalchemy2', 'psycopg'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
    )
    code = (
        "import no_sqlalchemy\n"
        "from geodata.store import describe, open_store\n"
        "from geodata.errors import StoreError\n"
        "print(describe('postgresql://pm:secret@db.example.se:5432/pm'))\n"
        "try:\n"
        "    open_store('postgresql://pm@127.0.0.1:1/pm')\n"
        "except StoreError as exc:\n"
        "    print(exc)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO)
    assert result.returncode == 0, result.stderr
    described, message = result.stdout.splitlines()
    assert described == "postgresql://pm:***@db.example.se:5432/pm"
    assert "pip install 'pledgemap[postgis]'" in message and "sqlalchemy" in message
