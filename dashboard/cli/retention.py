"""``pledgemap retention``: each layer's retention period (gallringstid), a dry run of what would go, and the run.

The rules are :mod:`geodata.retention`'s; this command reads the options, calls it and words the answer,
Swedish first. The command line acts as the local admin, as every command given the store itself does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from dashboard.cli.common import add_data
from dashboard.settings import Settings
from geodata import LAYERS, PledgemapError


def add_retention(commands, settings: Settings) -> None:
    retention = commands.add_parser(
        "retention",
        help="gallring: delete records older than each layer's retention period for good (counts are kept); "
        "--dry-run lists what would go, --set sets a period",
    )
    add_data(retention, settings)
    what = retention.add_mutually_exclusive_group()
    what.add_argument("--dry-run", action="store_true", help="list what a run would delete; delete nothing")
    what.add_argument(
        "--set",
        action="append",
        metavar="LAYER=MONTHS",
        help="set a layer's retention period in whole months, or 'none' to keep every record (repeatable; "
        f"layers: {', '.join(LAYERS)}); deletes nothing",
    )
    what.add_argument("--show", action="store_true", help="show each layer's retention period; delete nothing")
    retention.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of the output")
    retention.add_argument("--today", type=dt.date.fromisoformat, help="as of this date (default: today)")
    retention.set_defaults(run=cmd_retention)


def cmd_retention(args: argparse.Namespace) -> int:
    from dashboard.components.problems import describe_problem
    from dashboard.i18n import translator
    from geodata import ValidationError, VersionConflictError, clock, open_store

    t = translator(args.lang)
    today = args.today or clock.today()
    with open_store(args.data) as store:
        try:
            if args.set:
                _set(store, args, t)
            elif args.show:
                _show_settings(store, args, t, today)
            elif args.dry_run:
                _dry_run(store, args, t, today)
            else:
                _run(store, args, t, today)
        except ValidationError as exc:
            print(f"pledgemap: {t('retention_cli.invalid', count=len(exc.problems))}", file=sys.stderr)
            for problem in exc.problems:
                shown = _setting_name(t, problem.field)
                print(f"- {shown}: {describe_problem(args.lang, _worded(problem, args.lang))}", file=sys.stderr)
            return 1
        except VersionConflictError:
            raise PledgemapError(t("retention_cli.conflict")) from None
    return 0


def _worded(problem, lang: str):
    """The problem with its numbers as ``lang`` writes them (1 200, not 1200)."""
    from dataclasses import replace

    from dashboard.i18n import number

    params = {k: number(v, lang) if isinstance(v, int) else v for k, v in problem.params.items()}
    return replace(problem, params=params)


def _layer_name(t, layer: str) -> str:
    return t(f"layer.{layer}")


def _setting_name(t, key: str) -> str:
    """A retention setting as a person reads it: "Gallringstid för Otrygga platser (retention.unsafe_places)"."""
    from geodata.retention import SETTING_PREFIX

    layer = key.removeprefix(SETTING_PREFIX)
    return t("retention_cli.setting", layer=_layer_name(t, layer), key=key) if layer in LAYERS else key


def _months(t, months: int | None) -> str:
    return t("retention_cli.keep") if months is None else t("retention_cli.months", n=months)


def _set(store, args: argparse.Namespace, t) -> None:
    from geodata.retention import parse_months, set_retention

    wanted: dict[str, str] = {}
    for item in args.set:
        layer, sep, value = item.partition("=")
        layer = layer.strip()
        if not sep or layer not in LAYERS:
            raise PledgemapError(t("retention_cli.bad_set", value=item, layers=", ".join(LAYERS)))
        wanted[layer] = value
    for layer, value in wanted.items():  # every value checked before any is stored
        parse_months(layer, value)
    for layer, value in wanted.items():
        months = set_retention(store, layer, value)
        print(t("retention_cli.set", layer=_layer_name(t, layer), months=_months(t, months)))


def _show_settings(store, args: argparse.Namespace, t, today: dt.date) -> None:
    from geodata.retention import cutoff, retention_settings

    print(t("retention_cli.settings_heading"))
    for layer, months in retention_settings(store).items():
        line = f"  {_layer_name(t, layer)}: {_months(t, months)}"
        if months is not None:
            line += " " + t("retention_cli.cutoff", day=cutoff(today, months).isoformat())
        print(line)


def _dry_run(store, args: argparse.Namespace, t, today: dt.date) -> None:
    from geodata.retention import plan_retention

    plan = plan_retention(store, today)
    _show_settings(store, args, t, today)
    if not plan.cutoffs:
        print(t("retention_cli.none_set"))
        return
    print()
    print(t("retention_cli.would_delete", n=len(plan.records)))
    for layer in plan.cutoffs:
        print(f"  {_layer_name(t, layer)}: {t('retention_cli.records', n=plan.count(layer))}")
    if plan.records:
        print()
        _table(t, plan.records)
    print()
    print(t("retention_cli.dry_run_note"))


def _table(t, records) -> None:
    import pandas as pd

    columns = ("id", "layer", "day", "pledge", "deleted")
    rows = [
        (
            r.id,
            _layer_name(t, r.layer),
            r.day.isoformat(),
            r.pledge_id or "–",
            t("retention_cli.yes") if r.deleted else "",
        )
        for r in records
    ]
    frame = pd.DataFrame(rows, columns=[t(f"retention_cli.column.{c}") for c in columns])
    print(frame.to_string(index=False))


def _run(store, args: argparse.Namespace, t, today: dt.date) -> None:
    from geodata.retention import run_retention

    run = run_retention(store, today)
    if not run.plan.cutoffs:
        print(t("retention_cli.none_set"))
        return
    for layer, ids in run.deleted.items():
        print(f"  {_layer_name(t, layer)}: {t('retention_cli.records', n=len(ids))}")
    print(t("retention_cli.deleted", n=run.total))


COMMANDS = {"retention": add_retention}
