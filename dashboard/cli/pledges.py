"""``pledgemap pledge``: read a published text into a draft to review, draft next year's pledge from a stored one,
add a reviewed pledge document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli.common import add_data
from dashboard.settings import Settings
from geodata import PledgemapError
from geodata.io.exporter import PLEDGE_FORMATS

DRAFT = "draft"


def add_pledge(commands, settings: Settings) -> None:
    pledge = commands.add_parser(
        "pledge", help="pledge documents: read a published text, draft next year's pledge, add a reviewed pledge"
    )
    pledge_commands = pledge.add_subparsers(dest="pledge_command", required=True, metavar="ACTION")
    parse = pledge_commands.add_parser(
        "parse",
        help="turn a published pledge text into a draft to review in a text editor",
        description="Writes the draft as a pledge document in YAML: every field, empty ones as null, and a comment "
        "after each value the reader guessed ('# gissat') or did not find ('# hittades inte'). Correct it, then "
        "save it with 'pledgemap pledge add'.",
    )
    parse.add_argument("file", type=Path, help="the pledge as text (UTF-8 or Windows-1252; a PDF's extracted text)")
    parse.add_argument(
        "--format",
        choices=(DRAFT, *PLEDGE_FORMATS),
        default=DRAFT,
        help="draft: the pledge document to review, with comments (default); json or yaml: what the reader found, "
        "as it found it",
    )
    parse.add_argument(
        "--as-pledge",
        action="store_true",
        help="with --format json or yaml: output a complete pledge document (fails, naming what is missing, "
        "if the text lacks something a pledge needs)",
    )
    parse.add_argument("--id", help="the pledge id (default: municipality and first year)")
    parse.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of the comments and messages")
    parse.add_argument("--output", type=Path, help="write here instead of to standard output")
    following = pledge_commands.add_parser(
        "next",
        help="draft next year's pledge from a stored one, each promise carried over or not with a reason",
        description="Writes the draft of the pledge that follows PLEDGE_ID as a pledge document in YAML: the same "
        "municipality, police area, partners, contact and follow-up, the next period of the same length, and for "
        "each promise the decision given with --carry or --drop and its reason. Every promise needs one. Review "
        "the file, then save it with 'pledgemap pledge add'.",
    )
    add_data(following, settings)
    following.add_argument("pledge_id", metavar="PLEDGE_ID", help="the stored pledge to start from")
    following.add_argument("--year", type=int, help="the year the next pledge starts (default: right after this one)")
    following.add_argument("--id", dest="new_id", help="the next pledge's id (default: this one's with the new year)")
    following.add_argument(
        "--carry",
        action="append",
        default=[],
        metavar='OLD_ID="reason"',
        help="carry this promise over to the next pledge, and why (repeat for each promise)",
    )
    following.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar='OLD_ID="reason"',
        help="do not carry this promise over, and why (repeat for each promise)",
    )
    following.add_argument(
        "--from-situation",
        action="store_true",
        help="take the action plan of the municipality's saved lägesbild (of the new pledge's first year, else the "
        "year before) in as new promises",
    )
    following.add_argument("--out", type=Path, help="write the draft here instead of to standard output")
    following.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of comments and messages")
    add = pledge_commands.add_parser("add", help="add a pledge document (YAML or JSON) to the store")
    add_data(add, settings)
    add.add_argument("file", type=Path, help="the pledge document (a reviewed draft of 'pledgemap pledge parse')")
    add.add_argument("--replace", action="store_true", help="replace a stored pledge with the same id")
    add.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of the messages")
    pledge.set_defaults(run=cmd_pledge)


def cmd_pledge(args: argparse.Namespace) -> int:
    if args.pledge_command == "parse":
        return _parse(args)
    if args.pledge_command == "next":
        return _next(args)
    return _add(args)


def _parse(args: argparse.Namespace) -> int:
    import json

    import yaml

    from dashboard.components.draft_words import yaml_marks
    from geodata import parse_pledge_text, read_pledge_text
    from geodata.io import pledge_draft

    parsed = parse_pledge_text(read_pledge_text(args.file))
    if args.format == DRAFT:
        doc = pledge_draft.draft_document(parsed.to_dict())
        if args.id:
            doc = pledge_draft.apply_edits(doc, {"id": args.id})
        text = pledge_draft.draft_yaml(doc, yaml_marks(args.lang))
    else:
        data = parsed.to_pledge_dict(args.id) if args.as_pledge else parsed.to_dict()
        text = (
            json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            if args.format == "json"
            else yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        )
    if args.output:
        from geodata.io.files import store_mode, write_file

        write_file(args.output, text, store_mode(getattr(args, "data", None)))
    else:
        sys.stdout.write(text)
    from dashboard.components.draft_words import field_name
    from dashboard.i18n import translator

    t = translator(args.lang)
    for name in parsed.missing:
        print(f"pledgemap: {t('draft.cli_not_found', field=field_name(args.lang, name))}", file=sys.stderr)
    for warning in parsed.warnings:
        print(f"pledgemap: {warning}", file=sys.stderr)
    return 0


def _decisions(args: argparse.Namespace, t) -> tuple[dict, list[str]]:
    """The --carry and --drop decisions by promise id, and a line for each promise decided more than once."""
    from geodata.io.pledge_cycle import Decision

    decisions: dict = {}
    twice: list[str] = []
    for carry, given in [(True, g) for g in args.carry] + [(False, g) for g in args.drop]:
        promise, sep, reason = given.partition("=")
        if not sep or not promise.strip():
            raise PledgemapError(t("cycle.cli_bad_decision", value=given))
        promise = promise.strip()
        if promise in decisions and t("cycle.cli_twice", promise=promise) not in twice:
            twice.append(t("cycle.cli_twice", promise=promise))
        decisions[promise] = Decision(carry, reason.strip().strip('"'))
    return decisions, twice


def _next(args: argparse.Namespace) -> int:
    from dashboard.components.cycle_words import decision_problem_lines
    from dashboard.i18n import translator
    from geodata import ValidationError, open_store
    from geodata.analysis.situation_document import draft_promises_from_situation, situation_for_next
    from geodata.io import pledge_draft
    from geodata.io.pledge_cycle import CARRIED, next_pledge, review_document

    t = translator(args.lang)
    decisions, lines = _decisions(args, t)
    with open_store(args.data) as store:
        pledge = store.get_pledge(args.pledge_id)
        try:
            doc = next_pledge(pledge, decisions, year=args.year, new_id=args.new_id)
            if args.from_situation:
                plan = situation_for_next(store, pledge, int(doc["period"]["start"][:4]))
                if plan is None:
                    raise PledgemapError(t("cycle.cli_no_situation", municipality=pledge.municipality.name))
                extra = draft_promises_from_situation(plan, doc["id"], pledge.partners)
                doc = next_pledge(pledge, decisions, year=args.year, new_id=args.new_id, extra_promises=extra)
        except ValidationError as exc:
            lines += decision_problem_lines(args.lang, pledge, exc.problems)
    if lines:
        print(f"pledgemap: {t('cycle.cli_undecided', count=len(lines))}:", file=sys.stderr)
        for line in lines:
            print(f"- {line}", file=sys.stderr)
        print(t("cycle.cli_how"), file=sys.stderr)
        return 1
    marks = {
        pledge_draft.GUESSED: t("cycle.yaml_assumed"),
        pledge_draft.NOT_FOUND: t("cycle.yaml_fill"),
        CARRIED: t("cycle.yaml_carried"),
    }
    text = f"# {t('cycle.yaml_head', id=pledge.id)}\n" + pledge_draft.draft_yaml(review_document(doc), marks)
    carried = sum(1 for c in doc["carried"] if c["to"])
    message = t(
        "cycle.cli_written",
        id=doc["id"],
        title=doc["title"],
        carried=carried,
        dropped=len(doc["carried"]) - carried,
        file=args.out or "-",
    )
    if args.out:
        from geodata.io.files import store_mode, write_file

        write_file(args.out, text, store_mode(args.data))
        print(message)
    else:
        sys.stdout.write(text)
        print(message, file=sys.stderr)
    return 0


def _add(args: argparse.Namespace) -> int:
    import yaml

    from dashboard.components.draft_words import problem_lines
    from dashboard.i18n import translator
    from geodata import ValidationError, open_store
    from geodata.io import pledge_draft

    t = translator(args.lang)
    try:
        data = yaml.safe_load(args.file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PledgemapError(t("draft.cli_not_yaml", file=args.file.name, detail=exc)) from None
    if not isinstance(data, dict):
        raise PledgemapError(t("draft.cli_not_document", file=args.file.name))
    try:
        with open_store(args.data) as store:
            pledge = pledge_draft.save_document(store, data, replace=args.replace)
    except ValidationError as exc:
        lines = problem_lines(args.lang, exc.problems)
        print(f"pledgemap: {t('draft.invalid', count=len(lines))}:", file=sys.stderr)
        for line in lines:
            print(f"- {line}", file=sys.stderr)
        return 1
    except pledge_draft.PledgeExistsError as exc:
        raise PledgemapError(t("draft.cli_exists", id=exc.pledge_id, title=exc.title)) from None
    print(t("draft.cli_saved", id=pledge.id, title=pledge.title, count=len(pledge.promises)))
    return 0


COMMANDS = {"pledge": add_pledge}
