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
    judge = actions.add_parser("judge", help="judge a promise or goal for a period (a new version; audited)")
    add_data(judge, settings)
    judge.add_argument("--pledge", required=True)
    what = judge.add_mutually_exclusive_group(required=True)
    what.add_argument("--promise", help="the promise's id")
    what.add_argument("--goal", help="the goal's id")
    judge.add_argument("--period", help="e.g. 2024-T2 (default: the latest period that is over)")
    judge.add_argument(
        "--status",
        help="the status, as a code or its Swedish or English name (default: what the figures propose)",
    )
    judge.add_argument("--text", default="", help="how it went, in a few sentences")
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
    from dashboard.i18n import catalogue, period_label, translator

    t, words = translator(args.lang), catalogue(args.lang)
    state = _state(store, args)
    print(f"{state.pledge.title}: {t('followup_cli.period', period=period_label(args.lang, state.period))}")
    for subject, items in (("promise", state.promises), ("goal", state.goals)):
        if not items:
            continue
        group = "activity_status" if subject == "promise" else "goal_status"
        counts = state.summary(subject)
        shown = ", ".join(
            f"{words[f'{group}.{code}'] if code != 'not_judged' else t('followup_cli.not_judged')} {n}"
            for code, n in counts.items()
            if n
        )
        print(f"\n{t(f'followup_cli.{subject}s')}: {shown}")
        for item in items:
            print(f"\n  {item.subject_id}: {item.text}")
            trend = []
            for period_state in item.periods:
                if not (period_state.due or period_state.judgement):
                    continue
                status = period_state.status
                label = words[f"{group}.{status}"] if status != "not_judged" else t("followup_cli.not_judged")
                late = f" ({t('followup_cli.late')})" if period_state.late else ""
                trend.append(f"{period_state.period.code} {label}{late}")
            print(f"    {' · '.join(trend) or t('followup_cli.nothing_due')}")
            if item.latest and item.latest.text:
                print(
                    f"    {t('followup_cli.latest', period=item.latest.period, by=item.latest.judged_by)}: {item.latest.text}"
                )
            proposal = item.proposal
            print(f"    {t('followup_cli.proposal', status=words[f'{group}.{proposal.status}'])}")


def _judge(store, args: argparse.Namespace) -> int:
    from dashboard.i18n import catalogue, translator
    from geodata.followup import STATUSES, Judgement

    t, words = translator(args.lang), catalogue(args.lang)
    state = _state(store, args)
    subject, subject_id = ("promise", args.promise) if args.promise else ("goal", args.goal)
    try:
        item = state.subject(subject, subject_id)
    except KeyError:
        ids = [i.subject_id for i in (state.promises if subject == "promise" else state.goals)]
        raise PledgemapError(
            t(f"followup_cli.no_{subject}", value=subject_id, pledge=state.pledge.id, ids=", ".join(ids))
        ) from None
    group = "activity_status" if subject == "promise" else "goal_status"
    status = _status_code(args.status, STATUSES[subject], group) if args.status else item.proposal.status
    if status is None:
        names = ", ".join(f"{code} ({words[f'{group}.{code}']})" for code in STATUSES[subject])
        raise PledgemapError(t("followup_cli.unknown_status", value=args.status, choices=names))
    current = item.state(state.period.code).versions
    saved = store.save_judgement(
        Judgement(
            state.pledge.id,
            subject,
            subject_id,
            state.period.code,
            status,
            args.text,
            evidence=item.proposal.evidence,
        ),
        current,
    )
    print(
        t(
            "followup_cli.saved",
            subject=subject_id,
            period=saved.period,
            status=words[f"{group}.{status}"],
            version=saved.version,
        )
    )
    return 0


def _status_code(given: str, codes: tuple[str, ...], group: str) -> str | None:
    """The status code ``given`` names: the code itself, or its Swedish or English label or words, case aside."""
    from geodata import vocab

    wanted = given.strip().casefold()
    for code in codes:
        term = vocab.VOCABULARY[group][code]
        if wanted in {code, *(v.casefold() for v in term.labels.values()), *(w.casefold() for w in term.words)}:
            return code
    return None


COMMANDS = {"followup": add_followup}
