"""The store itself: ``demo``, ``info``, ``migrate``, ``restore``, ``audit`` and ``copy``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from dashboard.cli.common import add_data
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES
from dashboard.settings import Settings
from geodata import LAYERS, PledgemapError, clock
from geodata.location import describe, location


def add_demo(commands, settings: Settings) -> None:
    demo = commands.add_parser("demo", help="write a new store with the shipped pledges and generated demo layers")
    add_data(demo, settings)
    demo.add_argument("--seed", type=int, default=None, help="seed of the demo data generator")
    demo.add_argument("--force", action="store_true", help="replace the file if it exists")
    demo.set_defaults(run=cmd_demo)


def add_info(commands, settings: Settings) -> None:
    info = commands.add_parser("info", help="list the pledges, promises and layer counts of a store")
    add_data(info, settings)
    info.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="judge progress as of this date (default: today)"
    )
    info.set_defaults(run=cmd_info)


def add_migrate(commands, settings: Settings) -> None:
    migrate = commands.add_parser("migrate", help="create the store or bring it to the current schema version")
    add_data(migrate, settings)
    migrate.set_defaults(run=cmd_migrate)


def add_restore(commands, settings: Settings) -> None:
    restore = commands.add_parser("restore", help="bring back a deleted record (deleted records: --list)")
    add_data(restore, settings)
    restore.add_argument("--layer", required=True, choices=list(LAYERS))
    restore.add_argument("record", nargs="?", help="the id of the deleted record")
    restore.add_argument("--list", action="store_true", help="list the layer's deleted records")
    restore.set_defaults(run=cmd_restore)


def add_audit(commands, settings: Settings) -> None:
    audit = commands.add_parser("audit", help="export the audit log (who changed what and when) as CSV")
    add_data(audit, settings)
    audit.add_argument("--output", type=Path, required=True, help="the CSV file to write")
    audit.add_argument("--record", help="only this record's history")
    audit.set_defaults(run=cmd_audit)


def add_read_log(commands, settings: Settings) -> None:
    read_log = commands.add_parser("read-log", help="the read log (who read which records, when): export it")
    actions = read_log.add_subparsers(dest="read_log_command", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export", help="write the read log as CSV or Excel (by the file's suffix), columns and values in Swedish"
    )
    add_data(export, settings)
    export.add_argument("file", type=Path, help="the file to write: .csv or .xlsx")
    export.add_argument("--from", dest="start", type=dt.date.fromisoformat, help="reads from this day (YYYY-MM-DD)")
    export.add_argument("--to", dest="end", type=dt.date.fromisoformat, help="reads up to this day, inclusive")
    export.add_argument("--user", help="only this account's reads (local: the command line's)")
    export.add_argument("--lang", choices=list(LANGUAGES), default=DEFAULT_LANGUAGE, help="default: Swedish")
    export.set_defaults(run=cmd_read_log_export)


def add_copy(commands, settings: Settings) -> None:
    copy = commands.add_parser("copy", help="copy a whole store: a GeoPackage file into a database, or back")
    copy.add_argument("--from", dest="source", type=location, required=True, help="the store to copy")
    copy.add_argument(
        "--to",
        dest="target",
        type=location,
        required=True,
        help="a new GeoPackage file, or a postgresql:// URL of a database without Pledgemap data",
    )
    copy.set_defaults(run=cmd_copy)


def cmd_demo(args: argparse.Namespace) -> int:
    import tempfile

    from geodata.demo import DEFAULT_SEED, write_demo_store
    from geodata.store import copy_store, is_database_url, migrate, open_store

    seed = DEFAULT_SEED if args.seed is None else args.seed
    if is_database_url(args.data):
        # The demo is generated into a file, then copied whole into the (empty) database.
        migrate(args.data)
        with tempfile.TemporaryDirectory(prefix="pledgemap-demo-") as folder:
            with write_demo_store(Path(folder) / "demo.gpkg", seed) as demo, open_store(args.data) as store:
                copy_store(demo, store)
                written = _demo_contents(store)
        print(f"Wrote the demo data into {describe(args.data)}: {written}")
        return 0
    if args.data.exists():
        if not args.force:
            print(f"pledgemap: {args.data} already exists; use --force to replace it", file=sys.stderr)
            return 1
        args.data.unlink()
    with write_demo_store(args.data, seed) as store:
        written = _demo_contents(store)
    print(f"Wrote demo store {args.data}: {written}")
    return 0


def _demo_contents(store) -> str:
    """What the demo wrote: "2 pledges, 240 unsafe_places, … (generated demo records)"."""
    counts = ", ".join(f"{n} {layer}" for layer, n in store.counts().items())
    return f"{len(store.list_pledges())} pledges, {counts} (generated demo records)"


def cmd_info(args: argparse.Namespace) -> int:
    from geodata import open_store, pledge_progress

    today = args.today or clock.today()
    with open_store(args.data) as store:
        pledges = store.list_pledges()
        print(f"Store {describe(args.data)} (schema version {store.schema_version()}): {len(pledges)} pledges")
        for pledge in pledges:
            print()
            print(f"{pledge.id}: {pledge.title}")
            print(
                f"  {pledge.municipality.name} ({pledge.municipality.code}), {pledge.police_area.name}"
                f"{f' ({pledge.police_area.code})' if pledge.police_area.code else ''}, "
                f"{pledge.period.start} – {pledge.period.end}"
            )
            print(f"  Focus: {pledge.focus}")
            print(f"  Promises (progress as of {today}):")
            for p in pledge_progress(store, pledge, today):
                parties = ", ".join(pledge.partner(x).short_name or pledge.partner(x).name for x in p.promise.parties)
                target = f" of {p.target}" if p.target else ""
                print(
                    f"    - {p.promise.id} [{p.promise.kind}; {parties}]: {p.delivered}{target} "
                    f"{p.promise.evidence.layer} records, {p.status}"
                )
            print(f"  Goals: {len(pledge.goals)}")
            events = store.read_police_events(pledge.municipality.code, pledge.period.start, pledge.period.end)
            if len(events):
                print(f"  Police events published in {pledge.municipality.name} during the period: {len(events)}")
            counts, demo = store.counts(pledge.id), store.counts(pledge.id, demo_only=True)
            print(
                "  Layers: "
                + ", ".join(
                    f"{layer} {n}" + (f" ({demo[layer]} demo)" if demo[layer] else "") for layer, n in counts.items()
                )
            )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from geodata import migrate

    before, after = migrate(args.data)
    if before == after:
        print(f"{describe(args.data)} is already at schema version {after}")
    else:
        print(f"{describe(args.data)}: schema version {before} → {after}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from geodata import LayerQuery, open_store

    with open_store(args.data) as store:
        if args.list or not args.record:
            deleted = store.read_layer(args.layer, LayerQuery(deleted=True))
            for record in deleted.itertuples():
                print(f"{record.id}\t{record.updated_at:%Y-%m-%d %H:%M}")
            print(f"{len(deleted)} deleted {args.layer} records")
            return 0
        store.restore_record(args.layer, args.record)
    print(f"Restored {args.layer} record {args.record}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    import csv
    import json

    from geodata import open_store

    with open_store(args.data) as store:
        entries = store.read_audit(record_id=args.record)
    from geodata.io.files import private_file, store_mode

    with (
        private_file(args.output, store_mode(args.data)) as written,
        written.open("w", encoding="utf-8-sig", newline="") as handle,
    ):
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["at_utc", "actor", "action", "layer", "record_id", "before", "after"])
        for e in entries:
            writer.writerow(
                [
                    e.at.isoformat(),
                    e.actor,
                    e.action,
                    e.layer or "",
                    e.record_id or "",
                    json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                    json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
                ]
            )
    print(f"Wrote {len(entries)} audit entries to {args.output}")
    return 0


def cmd_read_log_export(args: argparse.Namespace) -> int:
    from dashboard.exports import read_log_file
    from dashboard.i18n import translator
    from geodata import LOCAL_ADMIN, GuardedStore, open_store
    from geodata.access.readlog import day_range

    fmt = args.file.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise PledgemapError(f"{args.file}: the read log is written as .csv or .xlsx, not {args.file.suffix or 'none'}")
    start, end = day_range(args.start, args.end)
    with open_store(args.data) as store:
        entries = GuardedStore(store, LOCAL_ADMIN, route="cli").read_read_log(start, end, args.user)
    content, _ = read_log_file(entries, fmt, args.lang)
    args.file.write_bytes(content)
    print(translator(args.lang)("readlog.written", count=len(entries), file=str(args.file)))
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from geodata.store import GeoPackageStore, copy_store, is_database_url, migrate, open_store

    if not is_database_url(args.source) and not Path(args.source).is_file():
        raise PledgemapError(f"{args.source} does not exist; expected a store to copy from")
    if is_database_url(args.target):
        migrate(args.target)
        target = open_store(args.target)
    elif Path(args.target).exists():
        raise PledgemapError(f"{args.target} already exists; expected a new file to copy into")
    else:
        target = GeoPackageStore.create(args.target)
    with open_store(args.source) as source, target:
        copied = copy_store(source, target)
    if not is_database_url(args.target):  # created owner-only; a copy is readable by whom the original is
        from geodata.io.files import store_mode

        Path(args.target).chmod(store_mode(args.source))
    print(
        f"Copied {describe(args.source)} to {describe(args.target)}: "
        + ", ".join(f"{n} {table}" for table, n in copied.items() if n)
    )
    return 0


COMMANDS = {
    "demo": add_demo,
    "info": add_info,
    "migrate": add_migrate,
    "restore": add_restore,
    "audit": add_audit,
    "read-log": add_read_log,
    "copy": add_copy,
}
