"""Documents out: ``report followup`` (the follow-up report of a pledge and a period, as Word or PDF).

The same code as the pledge page's download (:func:`dashboard.documents.followup.followup_file`): the store is
read through a guard, the local admin's (everything) or with ``--public`` the public's, so the public variant
is decided by the domain's rules for that role, not by this command.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from dashboard.cli.common import add_data
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES
from dashboard.settings import Settings


def add_report(commands, settings: Settings) -> None:
    report = commands.add_parser(
        "report", help="write a document: the follow-up report of a pledge or a lägesbild (Word or PDF)"
    )
    kinds = report.add_subparsers(dest="report", required=True, metavar="REPORT")
    followup = kinds.add_parser(
        "followup", help="the follow-up report of a pledge and a follow-up period, for the board or to publish"
    )
    add_data(followup, settings)
    followup.add_argument("--pledge", required=True, help="the pledge's id (pledgemap info lists them)")
    followup.add_argument(
        "--period", help="the follow-up period, e.g. 2024-T1 (default: the latest that is over as of --today)"
    )
    followup.add_argument(
        "--format", choices=["docx", "pdf"], help="docx (an editable Word file) or pdf (default: from --out's suffix)"
    )
    followup.add_argument(
        "--public",
        action="store_true",
        help="the public variant: maps as counts per hexagon at the minimum, no judgement texts or judges' names",
    )
    followup.add_argument("--lang", choices=list(LANGUAGES), default=DEFAULT_LANGUAGE, help="default: Swedish")
    followup.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="read the follow-up as of this date"
    )
    followup.add_argument("--out", required=True, type=Path, help="the file to write (with the store's permissions)")
    followup.set_defaults(run=cmd_followup)
    situation = kinds.add_parser(
        "situation", help="the lägesbild of a municipality and a year: the kartläggning and the written action plan"
    )
    add_data(situation, settings)
    situation.add_argument("--municipality", required=True, help="the kommun code, e.g. 1463")
    situation.add_argument("--year", required=True, type=int, help="the year, e.g. 2026")
    situation.add_argument("--version", type=int, help="a saved version of the written sections (default: the latest)")
    situation.add_argument(
        "--format", choices=["docx", "pdf"], help="docx (an editable Word file) or pdf (default: from --out's suffix)"
    )
    situation.add_argument("--lang", choices=list(LANGUAGES), default=DEFAULT_LANGUAGE, help="default: Swedish")
    situation.add_argument("--out", required=True, type=Path, help="the file to write (with the store's permissions)")
    situation.set_defaults(run=cmd_situation)


def cmd_followup(args: argparse.Namespace) -> int:
    from dashboard.documents.followup import followup_file
    from dashboard.i18n import translator
    from geodata import NotFoundError, PledgemapError, ValidationError, open_store
    from geodata.access import GuardedStore
    from geodata.access.rules import LOCAL_ADMIN, PUBLIC_VIEWER
    from geodata.clock import today

    t = translator(args.lang)
    fmt = _format(args, t)
    with open_store(args.data) as store:
        guarded = GuardedStore(store, PUBLIC_VIEWER if args.public else LOCAL_ADMIN)
        try:
            content, _, _ = followup_file(guarded, args.pledge, fmt, args.lang, args.today or today(), args.period)
        except NotFoundError:
            raise PledgemapError(t("report.not_found", id=args.pledge)) from None
        except ValidationError as exc:  # a period the pledge does not have
            choices = ", ".join(exc.problems[0].params.get("choices", ()))
            raise PledgemapError(t("report.bad_period", value=args.period, choices=choices)) from None
    _write(args.out, content, args.data, t)
    key = "report_cli.wrote_public" if args.public else "report_cli.wrote"
    print(t(key, pledge=args.pledge, file=args.out, size=_size(content, args.lang), format=fmt))
    return 0


def cmd_situation(args: argparse.Namespace) -> int:
    from dashboard.documents.situation import situation_file
    from dashboard.i18n import translator
    from geodata import open_store
    from geodata.access import GuardedStore
    from geodata.access.rules import LOCAL_ADMIN
    from geodata.clock import today

    t = translator(args.lang)
    fmt = _format(args, t)
    with open_store(args.data) as store:
        guarded = GuardedStore(store, LOCAL_ADMIN)
        content, _, _ = situation_file(guarded, args.municipality, args.year, fmt, args.lang, today(), args.version)
    _write(args.out, content, args.data, t)
    size = _size(content, args.lang)
    print(t("report_cli.wrote_situation", code=args.municipality, year=args.year, file=args.out, size=size, format=fmt))
    return 0


def _format(args: argparse.Namespace, t) -> str:
    """The format asked for, or the one ``--out`` ends in; refused, worded, when neither says docx or pdf."""
    from geodata import PledgemapError

    fmt = args.format or args.out.suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        raise PledgemapError(t("report_cli.bad_suffix", file=args.out))
    return fmt


def _size(content: bytes, lang: str) -> str:
    from dashboard.i18n import number

    return number(len(content) / 1e3, lang)


def _write(path: Path, content: bytes, store, t) -> None:
    """Write ``content`` with the store's permissions, a folder that does not exist or cannot be written to said
    in words."""
    from geodata import PledgemapError
    from geodata.io.files import store_mode, write_file

    try:
        write_file(path, content, store_mode(store))
    except OSError as exc:
        raise PledgemapError(t("report_cli.cannot_write", file=path, reason=exc.strerror or exc)) from None


COMMANDS = {"report": add_report}
