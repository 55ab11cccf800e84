"""``pledgemap followup``: where a pledge's follow-up stands, and judging a promise or goal for a period."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from dashboard.cli.common import add_data
from dashboard.settings import Settings
from geodata import PledgemapError


def add_followup(commands, settings: Settings) -> None:
    followup = commands.add_parser(
        "followup", help="follow-up: each promise's and goal's judged status per period; judge one"
    )
    actions = followup.add_subparsers(dest="followup_command", required=True, metavar="ACTION")
    show = actions.add_parser(
        "show", help="the follow-up of a pledge: every period's status, the latest text, what the figures propose"
    )
    add_data(show, settings)
    show.add_argument("--pledge", required=True)
    show.add_argument("--period", help="the period to propose and count for, e.g. 2024-T2 (default: the latest over)")
    show.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of the output")
    show.add_argument("--today", type=dt.date.fromisoformat, help="as of this date (default: today)")
    overview = actions.add_parser(
        "overview",
        help="every pledge of the country, a police region or a county: where each stands in a year, as a table",
    )
    add_data(overview, settings)
    overview.add_argument(
        "--scope", default="sverige", help="sverige (default), a police region (region-vast) or a county (lan-14)"
    )
    overview.add_argument("--year", type=int, help="the year (default: this year, else the latest with pledges)")
    overview.add_argument("--theme", action="append", default=[], help="only pledges about this theme (repeatable)")
    overview.add_argument("--out", help="write the table to this .csv or .xlsx file instead of printing it")
    overview.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of the output")
    overview.add_argument("--today", type=dt.date.fromisoformat, help="as of this date (default: today)")
    judge = actions.add_parser("judge", help="judge a promise or goal for a period (a new version; audited)")
    add_data(judge, settings)
    judge.add_argument("--pledge", required=True)
    what = judge.add_mutually_exclusive_group(required=True)
    what.add_argument("--promise", help="the promise's id")
    what.add_argument("--goal", help="the goal's id")
    judge.add_argument("--period", help="e.g. 2024-T2 (default: the latest period that is over)")
    judge.add_argument(
        "--status",
        required=True,
        help="the status, as a code or its Swedish or English name; 'proposed' takes what the figures propose",
    )
    judge.add_argument("--text", default="", help="how it went, in a few sentences (replaces the earlier text)")
    judge.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of the messages")
    judge.add_argument("--today", type=dt.date.fromisoformat, help="as of this date (default: today)")
    followup.set_defaults(run=cmd_followup)


def cmd_followup(args: argparse.Namespace) -> int:
    from dashboard.components.problems import describe_problem
    from dashboard.i18n import translator
    from geodata import ValidationError, open_store
    from geodata.errors import VersionConflictError

    t = translator(args.lang)
    with open_store(args.data) as store:
        try:
            if args.followup_command == "show":
                _show(store, args)
                return 0
            if args.followup_command == "overview":
                return _overview(store, args)
            return _judge(store, args)
        except ValidationError as exc:
            print(f"pledgemap: {t('followup_cli.invalid', count=len(exc.problems))}", file=sys.stderr)
            for problem in exc.problems:
                print(f"- {problem.field}: {describe_problem(args.lang, problem)}", file=sys.stderr)
            return 1
        except VersionConflictError:
            raise PledgemapError(t("followup_cli.conflict")) from None
        except ValueError:  # a period code that is not one of the pledge's
            from geodata.followup import pledge_periods

            periods = ", ".join(p.code for p in pledge_periods(store.get_pledge(args.pledge)))
            raise PledgemapError(t("followup_cli.unknown_period", value=args.period, periods=periods)) from None


def _state(store, args):
    from geodata import clock
    from geodata.analysis.followup import pledge_follow_up

    pledge = store.get_pledge(args.pledge)
    return pledge_follow_up(store, pledge, args.today or clock.today(), args.period)


def _show(store, args: argparse.Namespace) -> None:
    from dashboard.components.followup import proposal_text, shown_periods, status_label
    from dashboard.i18n import period_name, translator

    t = translator(args.lang)
    state = _state(store, args)
    print(f"{state.pledge.title}: {t('followup_cli.period', period=period_name(state.period.code, t))}")
    for subject, items in (("promise", state.promises), ("goal", state.goals)):
        if not items:
            continue
        counts = state.summary(subject)
        shown = ", ".join(f"{status_label(t, subject, code)} {n}" for code, n in counts.items() if n)
        print(f"\n{t(f'followup_cli.{subject}s')}: {shown}")
        for item in items:
            print(f"\n  {item.subject_id}: {item.text}")
            trend = [
                f"{s.period.code} {status_label(t, subject, s.status)}" + (f" ({t('followup.late')})" if s.late else "")
                for s in shown_periods(item, state.today)
            ]
            print(f"    {' · '.join(trend)}")
            latest = item.latest
            if latest and latest.text:
                by = latest.judged_by or ""
                print(f"    {t('followup_cli.latest', period=period_name(latest.period, t), by=by)}: {latest.text}")
            print(f"    {proposal_text(t, args.lang, state.pledge, item)}")


def _overview(store, args: argparse.Namespace) -> int:
    from pathlib import Path

    from dashboard.exports import overview_file, overview_table
    from dashboard.i18n import scope_name, translator
    from geodata import clock
    from geodata.regions import parse_scope
    from geodata.themes import THEMES
    from geodata.views.regional import regional_overview

    t = translator(args.lang)
    try:
        scope = parse_scope(args.scope)
    except LookupError:
        raise PledgemapError(t("followup_cli.unknown_scope", value=args.scope)) from None
    themes = [_theme_code(given) for given in args.theme]
    unknown = [given for given, code in zip(args.theme, themes) if code is None]
    if unknown:
        names = ", ".join(t(f"theme.{code}").lower() for code in THEMES)
        raise PledgemapError(t("followup_cli.unknown_theme", value=", ".join(unknown), themes=names))
    overview = regional_overview(store, scope, args.year, args.today or clock.today(), [c for c in themes if c])
    if args.year is not None and args.year != overview.year:
        years = ", ".join(str(y) for y in overview.years) or "–"
        raise PledgemapError(t("followup_cli.unknown_year", year=args.year, years=years))
    if args.out:
        out = Path(args.out)
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise PledgemapError(t("followup_cli.overview_format", file=out.name))
        content, _name = overview_file(overview, fmt, args.lang)
        from geodata.io.files import store_mode, write_file

        write_file(out, content, store_mode(args.data))
        print(t("followup_cli.overview_written", file=str(out), count=len(overview.rows)))
        return 0
    table = overview_table(overview, args.lang)
    print(t("followup_cli.overview_heading", scope=scope_name(t, scope, in_sentence=True), year=overview.year or "–"))
    if table.empty:
        print(t("followup_cli.overview_none"))
        return 0
    # Municipality, county, pledge, promises, state, the promises per status (those any pledge has), last judged.
    counts = [c for c in table.columns[12:-2] if table[c].any()]
    shown = table[[*table.columns[[0, 2, 5, 10, 11]], *counts, table.columns[-2]]]
    print(shown.fillna("").to_string(index=False))
    return 0


def _theme_code(given: str) -> str | None:
    """A theme given as its code or its name in either language ("trafik", "Traffic")."""
    from dashboard.i18n import translator
    from geodata.themes import THEMES

    wanted = given.strip().lower()
    for code in THEMES:
        names = {code, *(translator(lang)(f"theme.{code}").lower() for lang in ("sv", "en"))}
        if wanted in names:
            return code
    return None


def _judge(store, args: argparse.Namespace) -> int:
    from dashboard.components.followup import STATUS_GROUP, status_label
    from dashboard.i18n import translator
    from geodata.analysis.judging import judge
    from geodata.followup import STATUSES

    t = translator(args.lang)
    state = _state(store, args)
    subject, subject_id = ("promise", args.promise) if args.promise else ("goal", args.goal)
    try:
        item = state.subject(subject, subject_id)
    except KeyError:
        ids = [i.subject_id for i in (state.promises if subject == "promise" else state.goals)]
        raise PledgemapError(
            t(f"followup_cli.no_{subject}", value=subject_id, pledge=state.pledge.id, ids=", ".join(ids))
        ) from None
    group = STATUS_GROUP[subject]
    proposed = args.status.strip().casefold() == "proposed"
    status = item.proposal.status if proposed else _status_code(args.status, STATUSES[subject], group)
    if status is None:
        names = ", ".join(f"{code} ({status_label(t, subject, code)})" for code in STATUSES[subject])
        raise PledgemapError(t("followup_cli.unknown_status", value=args.status, choices=names))
    current = item.state(state.period.code).versions
    saved = judge(store, state.pledge.id, subject, subject_id, state.period.code, status, args.text, current)
    if saved.version == current and current:
        print(t("followup_cli.unchanged", subject=subject_id, period=saved.period, version=saved.version))
        return 0
    print(
        t(
            "followup_cli.saved",
            subject=subject_id,
            period=saved.period,
            status=status_label(t, subject, status),
            version=saved.version,
        )
    )
    return 0


def _status_code(given: str, codes: tuple[str, ...], group: str) -> str | None:
    """The status code ``given`` names: the code itself, or one of its labels or words, case aside."""
    from geodata import vocab

    wanted = given.strip().casefold()
    names = vocab.choice_words(group)
    return next((c for c in codes if wanted in {c, *(n.casefold() for n in names.get(c, ()))}), None)


COMMANDS = {"followup": add_followup}
