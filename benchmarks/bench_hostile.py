"""The attack run's figures (issue 20), re-measured on the current code: hostile files and heavy work.

    .venv/bin/python benchmarks/bench_hostile.py [--cases a b c d e f] [--timeout SECONDS] [--out FILE]

Each case runs in a process of its own, in a temporary folder of its own, under a cap (:data:`CAPS`, or
``--timeout`` for every case, counted from when its files are built): a case that does not end in time is killed
and printed as "did not end in N s" (with what it had measured by then, where it reports as it goes), so the
script always ends. The child's peak memory is its ``ru_maxrss`` (its own and its waited-for children's).

- **a** a dry run (``pledgemap import --dry-run``) of a GeoPackage whose only layer is an endlessly recursive
  view: the time until it ends and how (exit code and the last words it printed);
- **b** a dry run of an XLSX of 10 million empty rows (about 39 MB, its sheet written straight into the zip):
  time and peak memory;
- **c** after one valid 500 000-vertex polygon is stored: the overview map answer's JSON size and time (first and
  cached), and an ``/ogc`` items page's time, each before and after the polygon;
- **d** a 50 000-row CSV import (``pledgemap import``, a process of its own) while another process reads the
  store and signs in over and over: the longest read and the longest sign-in during the import;
- **e** the overview map callback's p50/p95 under 8 concurrent users (threads with their own HTTP session)
  against ``pledgemap serve`` over the demo store;
- **f** ``/ogc/collections/<layer>/items?offset=99999999999999999999``: the HTTP status on GeoPackage and,
  where PostgreSQL with PostGIS is installed, on PostGIS.

Asserts nothing and prints what it measured (the machines are shared and noisy); ``--out`` writes the figures
as JSON too. The code measured is whatever ``geodata``/``dashboard`` import resolves to (``PYTHONPATH``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

CASES = {
    "a": "dry run of a GeoPackage whose only layer is an endlessly recursive view",
    "b": "dry run of an XLSX of 10 million empty rows",
    "c": "map answer and /ogc page after one 500 000-vertex polygon",
    "d": "longest read and sign-in during a 50 000-row import",
    "e": "overview map callback under 8 concurrent users on pledgemap serve",
    "f": "/ogc items?offset=99999999999999999999",
}
# Each case's cap in seconds once its files are built: the attack run's figure and room to spare on a busy machine.
CAPS = {"a": 180, "b": 400, "c": 300, "d": 600, "e": 300, "f": 300}
PASSWORD = "en lång lösenfras"
SECRET = "s" * 40


# -- the parent: one child per case, under a cap ----------------------------------------------------------------


def run_case(case: str, timeout_s: float, setup_cap_s: float = 600) -> dict[str, Any]:
    """Run ``case`` in a child process in a temporary folder; its figures, or how it failed to end."""
    with tempfile.TemporaryDirectory(prefix=f"bench-hostile-{case}-") as folder:
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", case, "--dir", folder],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=folder,
            start_new_session=True,  # its own process group: killed with every process it started
        )
        lines: list[str] = []
        errors: list[str] = []
        partial: list[dict[str, Any]] = []  # what a case reports as it goes, kept if it must be killed
        ready = threading.Event()

        def read_out() -> None:
            for line in child.stdout:  # type: ignore[union-attr]
                lines.append(line)
                if line.startswith("PARTIAL "):
                    partial[:] = [json.loads(line[len("PARTIAL ") :])]
                if line.startswith("READY"):
                    ready.set()

        def read_err() -> None:
            errors.extend(child.stderr)  # type: ignore[union-attr]

        readers = [threading.Thread(target=read_out, daemon=True), threading.Thread(target=read_err, daemon=True)]
        for reader in readers:
            reader.start()
        begun = time.perf_counter()
        setup_s = None
        status = rusage = None
        while status is None:
            pid, status_code, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                status, rusage = status_code, usage
                break
            if setup_s is None and ready.is_set():
                setup_s, begun = time.perf_counter() - begun, time.perf_counter()
            cap = timeout_s if setup_s is not None else setup_cap_s
            if time.perf_counter() - begun > cap:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                _, status, rusage = os.wait4(child.pid, 0)
                child.returncode = -9
                for reader in readers:
                    reader.join(5)
                peak = rusage.ru_maxrss / 1024
                where = "after its files were built" if setup_s is not None else "while building its files"
                found = {"case": case, "ended": False, "cap_s": cap, "where": where, "peak_rss_mb": peak}
                return {**(partial[0] if partial else {}), **found}
            time.sleep(0.1)
        child.returncode = os.waitstatus_to_exitcode(status)
        for reader in readers:
            reader.join(5)
        found = [json.loads(line[len("RESULT ") :]) for line in lines if line.startswith("RESULT ")]
        result: dict[str, Any] = {"case": case, "ended": True, "peak_rss_mb": rusage.ru_maxrss / 1024}
        if found:
            result.update(found[-1])
        else:
            result["error"] = f"exit {child.returncode}: {''.join(errors)[-1500:]}"
        return result


def print_result(result: dict[str, Any]) -> None:
    case = result["case"]
    print(f"\n({case}) {CASES[case]}")
    if not result["ended"]:
        print(f"  did not end in {result['cap_s']:.0f} s ({result['where']}); killed")
        for line in result.get("lines", []):
            print(f"  by then: {line}")
        print(f"  peak memory of the case's process: {result['peak_rss_mb']:.0f} MB")
        return
    if "error" in result:
        print(f"  the case failed: {result['error']}")
        return
    for line in result.get("lines", []):
        print(f"  {line}")
    print(f"  peak memory of the case's process: {result['peak_rss_mb']:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--timeout", type=float, help="one cap for every case, in seconds (default: CAPS)")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--child", choices=list(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.child, args.dir)
    import geodata

    print(f"measuring {Path(geodata.__file__).resolve().parent.parent} ({platform.platform()}, {os.cpu_count()} CPUs)")
    results = []
    for case in args.cases:
        results.append(run_case(case, args.timeout or CAPS[case]))
        print_result(results[-1])
        sys.stdout.flush()
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"\nwrote {args.out}")
    return 0


# -- the children: one function per case ----------------------------------------------------------------------


def child_main(case: str, folder: Path) -> int:
    import geodata

    # The processes a case starts (an import, a server) run the same code as this one.
    code = str(Path(geodata.__file__).resolve().parent.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (code, os.environ.get("PYTHONPATH")) if p)
    os.environ.setdefault("PLEDGEMAP_TILES", "none")
    os.environ.setdefault("PLEDGEMAP_SECRET", SECRET)  # a database store needs one key for every worker
    figures = {"a": case_a, "b": case_b, "c": case_c, "d": case_d, "e": case_e, "f": case_f}[case](folder)
    print("RESULT " + json.dumps(figures, ensure_ascii=False), flush=True)
    return 0


def _ready() -> None:
    """Tell the parent the case's files are built: its cap starts now."""
    print("READY", flush=True)


def _test_store(path: Path):
    from geodata.model import pledge_from_dict
    from geodata.store import GeoPackageStore

    from builders import pledge_dict

    store = GeoPackageStore.create(path)
    store.save_pledge(pledge_from_dict(pledge_dict()))
    return store


def _dry_run(path: Path, store: Path, *more: str) -> dict[str, Any]:
    """``pledgemap import --dry-run`` of ``path`` in this process: seconds, exit code, the last words printed."""
    from dashboard.cli import main as cli

    out = io.StringIO()
    begun = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = cli(["import", str(path), "--data", str(store), "--dry-run", "--lang", "en", *more])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # noqa: BLE001 (what a dry run ends in is the figure measured)
            code = f"traceback: {type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - begun
    words = " ".join(out.getvalue().split())
    return {"seconds": seconds, "exit": code, "said": words[-300:]}


def recursive_view_gpkg(path: Path) -> Path:
    """A GeoPackage whose only feature layer is a view that recurses without end (built from a real layer)."""
    import geopandas as gpd
    from shapely.geometry import Point

    gpd.GeoDataFrame({"kategori": ["other"]}, geometry=[Point(12.69, 57.5)], crs=4326).to_file(path, layer="places")
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DROP TABLE places")
        for table in ("rtree_places_geom",):
            conn.execute(f'DROP TABLE IF EXISTS "{table}"')
        conn.execute("DELETE FROM gpkg_extensions WHERE table_name = 'places'")
        conn.execute(
            "CREATE VIEW places AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
            "SELECT n AS fid, NULL AS geom, 'other' AS kategori FROM r"
        )
    return path


def case_a(folder: Path) -> dict[str, Any]:
    path = recursive_view_gpkg(folder / "rekursiv.gpkg")
    store = folder / "store.gpkg"
    _test_store(store).close()
    _ready()
    run = _dry_run(path, store, "--layer", "unsafe_places", "--pledge", "test-2024")
    return {**run, "lines": [f"ended in {run['seconds']:.1f} s, exit {run['exit']}: {run['said'][-200:]!r}"]}


def empty_rows_xlsx(path: Path, rows: int = 10_000_000) -> Path:
    """An XLSX with a header, one report and ``rows`` empty formatted rows, its sheet XML written into the zip."""
    header = ["Datum", "Kategori", "Källa", "Beskrivning", "Nord", "Öst"]
    report = ["2024-03-05", "Klotter", "Trygghetsvandring", "Klotter på tunneln", 6380000, 350000]
    letters = "ABCDEF"

    def cell(ref: str, value: Any) -> str:
        if isinstance(value, str):
            return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        return f'<c r="{ref}"><v>{value}</v></c>'

    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/>'
        '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
        'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        "</styleSheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main">' + f'<dimension ref="A1:F{rows + 2}"/><sheetData>'.encode()
            )
            for number, values in ((1, header), (2, report)):
                cells = "".join(cell(f"{letters[i]}{number}", v) for i, v in enumerate(values))
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            batch = []
            heights = random.Random(20)
            for number in range(3, rows + 3):
                # Empty rows as a spreadsheet writes them, three in five resized: 39 MB zipped like the attack run's
                # file, and about 250 MB unzipped, under the zip checks' 300 MB.
                height = f' ht="{heights.uniform(10, 99.9):.1f}"' if number % 5 < 3 else ""
                batch.append(f'<row r="{number}"{height}/>')
                if len(batch) == 100_000:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write("".join(batch).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def case_b(folder: Path) -> dict[str, Any]:
    path = empty_rows_xlsx(folder / "tomma-rader.xlsx")
    store = folder / "store.gpkg"
    _test_store(store).close()
    size_mb = path.stat().st_size / 1e6
    _ready()
    run = _dry_run(path, store, "--layer", "unsafe_places", "--pledge", "test-2024")
    return {
        **run,
        "file_mb": size_mb,
        "lines": [
            f"a {size_mb:.0f} MB file: ended in {run['seconds']:.1f} s, exit {run['exit']}: {run['said'][-200:]!r}"
        ],
    }


def case_c(folder: Path) -> dict[str, Any]:
    import numpy as np
    import shapely

    from dashboard.ids import Overview
    from dashboard.settings import Settings
    from geodata.store.base import LayerQuery

    from builders import KINNA, frame, many_vertex_polygon, operation, unsafe_place
    from dash_http import call_overview_map, make_client, overview_map_inputs

    path = folder / "store.gpkg"
    store = _test_store(path)
    # The pledge's ordinary records: a few hundred reports around Kinna, and one ordinary operation area.
    rng = np.random.default_rng(20)
    places = [
        unsafe_place(pledge_id="test-2024", geometry=shapely.Point(KINNA[0] + dx, KINNA[1] + dy))
        for dx, dy in rng.normal(0, 0.01, (300, 2))
    ]
    store.write_batch("unsafe_places", frame(*places))
    store.write_batch("operations", frame(operation(visibility="public")))
    polygon = many_vertex_polygon(500_000)
    _ready()
    client = make_client(Settings(data=path, tiles_url=None))
    inputs = overview_map_inputs("test-2024")

    def answer() -> tuple[int, float]:
        begun = time.perf_counter()
        found = call_overview_map(client, inputs)
        seconds = time.perf_counter() - begun
        assert Overview.map in found
        return len(json.dumps(found).encode()), seconds

    def ogc_page() -> tuple[int, float, int]:
        begun = time.perf_counter()
        response = client.get("/ogc/collections/operations/items?limit=10")
        return response.status_code, time.perf_counter() - begun, len(response.get_data())

    answer()  # the first call of a new app warms its caches
    before_size, before_s = answer()
    ogc_before = ogc_page()
    [record_id] = store.write_batch("operations", frame(operation(geometry=polygon, visibility="public"), crs=3006))
    kept = int(
        shapely.get_num_coordinates(store.read_layer("operations", LayerQuery(ids=(record_id,))).geometry.iloc[0])
    )
    first_size, first_s = answer()
    again_size, again_s = answer()
    ogc_after = ogc_page()
    store.close()
    return {
        "map_before_bytes": before_size,
        "map_before_s": before_s,
        "map_first_bytes": first_size,
        "map_first_s": first_s,
        "map_again_bytes": again_size,
        "map_again_s": again_s,
        "ogc_before": ogc_before,
        "ogc_after": ogc_after,
        "stored_vertices": kept,
        "lines": [
            f"map answer before the polygon: {before_size / 1e3:,.0f} KB in {before_s:.2f} s",
            f"map answer after it: {first_size / 1e3:,.0f} KB in {first_s:.2f} s (first), "
            f"{again_size / 1e3:,.0f} KB in {again_s:.2f} s (again)",
            f"/ogc page of 10 operations: HTTP {ogc_before[0]} in {ogc_before[1]:.2f} s ({ogc_before[2] / 1e3:,.0f} KB) "
            f"before, HTTP {ogc_after[0]} in {ogc_after[1]:.2f} s ({ogc_after[2] / 1e6:,.1f} MB) after",
            f"the stored polygon keeps {kept:,} vertices",
        ],
    }


def case_d(folder: Path, rows: int = 50_000) -> dict[str, Any]:
    from geodata.access.accounts import add_user, authenticate
    from geodata.store import open_store
    from geodata.store.base import LayerQuery

    path = folder / "store.gpkg"
    store = _test_store(path)
    add_user(store, "ada", "admin", PASSWORD)
    store.close()
    csv = folder / "rapporter.csv"
    with csv.open("w", encoding="utf-8") as out:
        out.write("Id;Datum;Kategori;Källa;Beskrivning;Nord;Öst\n")
        for i in range(rows):
            out.write(f"{i};2024-03-05;Klotter;Trygghetsvandring;Rapport {i};{6380000 + i % 500};{350000 + i // 500}\n")
    _ready()
    times: dict[str, list[float]] = {"read": [], "sign-in": []}
    errors: dict[str, list[str]] = {"read": [], "sign-in": []}
    waiting: dict[str, float | None] = {"read": None, "sign-in": None}  # when the read or sign-in under way began
    stop = threading.Event()

    def loop(kind: str, act) -> None:
        with open_store(path) as own:
            while not stop.is_set():
                begun = waiting[kind] = time.perf_counter()
                try:
                    act(own)
                except Exception as exc:  # noqa: BLE001 (counted: a failed read or sign-in is a figure)
                    errors[kind].append(f"{type(exc).__name__}: {str(exc)[:160]}")
                times[kind].append(time.perf_counter() - begun)
                waiting[kind] = None
                time.sleep(0.05)

    def longest(kind: str) -> float:
        under_way = waiting[kind]
        return max([*times[kind], time.perf_counter() - under_way if under_way is not None else 0.0])

    def figures(import_line: str) -> dict[str, Any]:
        lines = [import_line]
        for kind in ("read", "sign-in"):
            failed = errors[kind]
            lines.append(
                f"longest {kind} during it: {longest(kind):.2f} s ({len(times[kind])} done, {len(failed)} failed"
                f"{': ' + failed[0] if failed else ''})"
            )
        return {
            "longest_read_s": longest("read"),
            "longest_sign_in_s": longest("sign-in"),
            "errors": {k: v[:3] for k, v in errors.items()},
            "lines": lines,
        }

    threads = [
        threading.Thread(target=loop, args=("read", lambda s: s.read_layer("unsafe_places", LayerQuery(limit=50)))),
        threading.Thread(target=loop, args=("sign-in", lambda s: authenticate(s, "ada", PASSWORD, "127.0.0.1"))),
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)
    idle = {kind: longest(kind) for kind in times}
    for series in times.values():
        series.clear()
    begun = time.perf_counter()
    command = ["import", str(csv), "--data", str(path), "--layer", "unsafe_places", "--pledge", "test-2024"]
    importer = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", *command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    while importer.poll() is None:
        try:
            importer.wait(5)
        except subprocess.TimeoutExpired:
            so_far = figures(f"import of {rows:,} rows still running after {time.perf_counter() - begun:.0f} s")
            print("PARTIAL " + json.dumps(so_far, ensure_ascii=False), flush=True)
    import_s = time.perf_counter() - begun
    stop.set()
    for thread in threads:
        thread.join(60)
    words = " ".join(importer.stdout.read().split())[-200:]  # type: ignore[union-attr]
    result = figures(f"import of {rows:,} rows: exit {importer.returncode} in {import_s:.1f} s ({words!r})")
    result["lines"].append(f"(before the import: longest read {idle['read']:.2f} s, sign-in {idle['sign-in']:.2f} s)")
    return {**result, "import_s": import_s, "import_exit": importer.returncode}


def case_e(folder: Path, users: int = 8, rounds: int = 6) -> dict[str, Any]:
    """bench_serve's run on the code measured here: its users, its filters, its figures."""
    from bench_serve import run

    import dashboard

    checkout = Path(dashboard.__file__).resolve().parent.parent
    result = run(checkout, users, rounds, [], on_ready=_ready)
    errors = [message for kind in result["errors"].values() for message in kind["first"]]
    count = sum(kind["n"] for kind in result["errors"].values())
    return {
        "p50_ms": result["p50_ms"],
        "p95_ms": result["p95_ms"],
        "requests_per_s": result["calls_per_s"],
        "errors": errors[:3],
        "lines": [
            f"{users} users x {result['calls']} map calls: p50 {result['p50_ms'] or float('nan'):,.0f} ms, "
            f"p95 {result['p95_ms'] or float('nan'):,.0f} ms, {result['calls_per_s'] or 0:.1f} answers/s, "
            f"{count} errors{': ' + errors[0] if errors else ''}",
        ],
    }


def case_f(folder: Path) -> dict[str, Any]:
    from dashboard.settings import Settings
    from geodata.store import copy_store

    from builders import frame, unsafe_place
    from dash_http import make_client

    path = folder / "store.gpkg"
    store = _test_store(path)
    store.write_batch("unsafe_places", frame(unsafe_place(pledge_id="test-2024")))
    store.close()
    _ready()
    url = "/ogc/collections/unsafe_places/items?offset=99999999999999999999"
    statuses = {}
    answer = make_client(Settings(data=path, tiles_url=None)).get(url)
    statuses["gpkg"] = (answer.status_code, answer.get_data(as_text=True)[:160])
    from pg_cluster import cluster, new_database, pg_bin, postgis_installed

    found = pg_bin()
    if found is not None and postgis_installed(found):
        from geodata.store import migrate, open_store

        with cluster() as server:
            database = new_database(server, "bench_hostile")
            migrate(database)
            with open_store(path) as source, open_store(database) as target:
                copy_store(source, target)
            answer = make_client(Settings(data=database, tiles_url=None)).get(url)
            statuses["postgis"] = (answer.status_code, answer.get_data(as_text=True)[:160])
            from geodata.store.postgis.store import dispose

            dispose(database)
    else:
        statuses["postgis"] = (None, "PostgreSQL with PostGIS is not installed: not measured")
    return {
        "statuses": statuses,
        "lines": [f"{backend}: HTTP {code} {words!r}" for backend, (code, words) in statuses.items()],
    }


if __name__ == "__main__":
    raise SystemExit(main())
