"""``pledgemap import``: a file into the store, the same code as the dashboard's import page."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from dashboard.cli.common import add_data
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES
from dashboard.settings import Settings
from geodata import LAYERS, ImportFileError, PledgemapError, ValidationError

# The flagged rows a dry run lists (the rest follow the choice for all, and are counted).
PERSONAL_ROWS = 50


def add_import(commands, settings: Settings) -> None:
    imp = commands.add_parser(
        "import",
        help="import a file into a layer: a dry run per row, then one transaction",
        description="Formats: GeoPackage, GeoJSON, zipped Shapefile, KML/KMZ, CSV, XLSX and "
        "other files GDAL reads. Nothing is written with --dry-run; otherwise every "
        "row lands or none does, unless --partial.",
    )
    add_data(imp, settings)
    imp.add_argument("file", type=Path, help="the file to import")
    imp.add_argument("--layer", choices=list(LAYERS), help="the layer to import into (default: from the columns)")
    imp.add_argument("--table", help="the file's layer or sheet to read, if it holds several")
    imp.add_argument("--dry-run", action="store_true", help="report per row what would happen; write nothing")
    imp.add_argument(
        "--partial",
        action="store_true",
        help="write the valid rows and save the rejected ones to a file to fix and import again "
        "(default: write nothing if any row is rejected)",
    )
    imp.add_argument(
        "--rejects", type=Path, help="where --partial saves rejected rows (default: beside the file, named *-avvisade)"
    )
    imp.add_argument("--pledge", help="link records without a pledge or promise to this pledge (unsafe_places)")
    imp.add_argument("--promise", help="link records without a promise to this promise (sites, operations)")
    imp.add_argument("--municipality", help="warn about places outside this kommun code (default: the pledge's)")
    imp.add_argument("--source", help="name of the source, for its record ids (default: the file name)")
    imp.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for a field that the file leaves empty, e.g. source=safety_walk",
    )
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="read FIELD from COLUMN instead of the detected one (repeatable)",
    )
    imp.add_argument(
        "--map-value",
        action="append",
        default=[],
        metavar="FIELD:TEXT=CODE",
        help="what a text in the file means, e.g. 'category:Otryggt=other' (repeatable)",
    )
    imp.add_argument(
        "--personal-data",
        choices=["mask", "keep", "reject"],
        help="what to do with rows whose free text holds personal data (personnummer, phone numbers, e-mail "
        "addresses, names): mask them ([personnummer], [telefon], …), keep them as they are, or reject the rows; "
        "without a choice such rows are not imported",
    )
    imp.add_argument(
        "--personal-data-row",
        action="append",
        default=[],
        metavar="ROW=CHOICE",
        help="another choice for one row (its number as the dry run shows it), e.g. 12=keep (repeatable)",
    )
    imp.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        default=DEFAULT_LANGUAGE,
        help="the language of the dry run's report, its questions and the rejected rows' file (default: Swedish)",
    )
    # The file is read in a worker process within these (PLEDGEMAP_IMPORT_SECONDS, PLEDGEMAP_IMPORT_MEMORY_MB).
    imp.set_defaults(run=cmd_import, import_work=settings.import_work)


def cmd_import(args: argparse.Namespace) -> int:
    from dashboard.components.file_words import file_wording, reading_wordings
    from dashboard.i18n import translator
    from geodata import LOCAL_ADMIN, GuardedStore, open_store
    from geodata.io import POLICE_EVENTS, commit_file, read_file

    t = translator(args.lang)
    defaults = _pairs(args.set, "--set")
    value_map: dict[str, dict[str, str]] = {}
    for field, text in _pairs(args.map_value, "--map-value").items():
        name, sep, original = field.partition(":")
        if not sep:
            raise PledgemapError(f"--map-value {field!r}: expected FIELD:TEXT=CODE")
        value_map.setdefault(name, {})[original] = text
    overrides = _pairs(args.map, "--map")
    personal_rows = _pairs(args.personal_data_row, "--personal-data-row")
    if overrides and not args.layer:
        raise PledgemapError("--map needs --layer: the mapping is for one layer")
    try:
        # Read once, in a worker process with a time and a memory limit: a hostile file ends here, with its limit.
        source = read_file(args.file, work=args.import_work)
    except ImportFileError as exc:
        print(f"pledgemap: {_file_error(args.lang, exc)}", file=sys.stderr)
        return 1
    if source.kind == POLICE_EVENTS:
        return _import_police_events(args, source)
    # Through the access rules as the local admin, as every other write of records: a site still starts at the
    # workflow's first state unless the file holds every earlier step's fields, and ids stay unique.
    with GuardedStore(open_store(args.data), LOCAL_ADMIN) as store:
        try:
            plan = _plan(store, args, source, defaults, value_map, overrides, reading_wordings(), personal_rows)
        except ImportFileError as exc:
            print(f"pledgemap: {_file_error(args.lang, exc)}", file=sys.stderr)
            return 1
        for layer_plan in plan.layers:
            _print_plan(layer_plan, args.lang)
            _print_next_command(layer_plan, args)
        if args.dry_run:
            print(t("import.dry_run_done"))
            return 0
        try:
            written = commit_file(
                store,
                plan,
                partial=args.partial,
                rejects_path=args.rejects or args.file.with_name(f"{args.file.stem}-{t('import.rejects_suffix')}"),
                wording=file_wording(args.lang),  # the rejected rows go to a person, in their language
            )
        except ValidationError as exc:
            print(f"pledgemap: {t('import.cli_nothing_written', count=len(exc.problems))}", file=sys.stderr)
            print(f"  ({t('import.cli_failed_hint')})", file=sys.stderr)
            return 1
        except ImportFileError as exc:
            print(f"pledgemap: {_file_error(args.lang, exc)}", file=sys.stderr)
            return 1
    for result in written.layers:
        line = t(
            "import.written",
            layer=t(f"layer.{result.layer}"),
            count=len(result.written),
            duplicates=result.duplicates,
            rejected=result.rejected,
        )
        if result.rejects_file:
            line += " " + t("import.cli_rejects_saved", path=str(result.rejects_file))
        print(line)
    return 0


def _plan(store, args: argparse.Namespace, source, defaults, value_map, overrides, wordings, personal_rows):
    from geodata.io import plan_file

    return plan_file(
        store,
        args.file,
        args.layer,
        source=source,
        pledge_id=args.pledge,
        promise_id=args.promise,
        table=args.table,
        value_map=value_map,
        defaults=defaults,
        municipality_code=args.municipality,
        source_namespace=args.source,
        mapping_overrides=overrides,
        wordings=wordings,
        apply_guesses=True,  # the command line applies what the file's names say, and prints it
        personal_data=args.personal_data,
        personal_data_rows=personal_rows,
    )


def _file_error(lang: str, exc: ImportFileError) -> str:
    """A file that cannot be read or planned, in ``lang``, with the command line's next step (an option)."""
    from dashboard.components.upload import numbers
    from dashboard.i18n import catalogue, fill

    words = catalogue(lang)
    values = {"layers": "|".join(LAYERS), **numbers(exc.params, lang)}
    if "layer" in values:
        values["layer"] = words.get(f"layer.{values['layer']}", values["layer"])
    for key in (f"file_error_cli.{exc.code}", f"file_error.{exc.code}"):
        if exc.code and key in words:
            return fill(words[key], **values)
    return fill(words["file_error.other"], detail=str(exc))


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise PledgemapError(f"{option} {value!r}: expected NAME=VALUE")
        pairs[key.strip()] = rest.strip()
    return pairs


def _import_police_events(args: argparse.Namespace, source) -> int:
    from geodata import commit_file, open_store, plan_file

    plan = plan_file(None, args.file, source=source)  # police events are read and checked without the store
    batch = plan.events
    print(
        f"{args.file.name} → police events (polisen.se format): {len(batch.events)} events read; "
        f"{batch.digests} county summaries left out; {batch.without_municipality} name no municipality "
        f"(kept, not counted for any); {batch.repeated} repeated in the file; {len(batch.problems)} problems"
    )
    for problem in batch.problems[:50]:
        print(f"  rejected: {problem}")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    with open_store(args.data) as store:
        try:
            written = commit_file(store, plan, partial=args.partial)
        except PledgemapError as exc:
            print(
                f"pledgemap: police events: {exc}".splitlines()[0]
                + " (use --partial to store the events that could be read)",
                file=sys.stderr,
            )
            return 1
    print(f"Wrote {written.new_events} police events; {written.known_events} already stored, skipped")
    return 0


def _print_plan(plan, lang: str) -> None:
    """The dry run of one layer as the import page shows it, in ``lang``: counts, mapping, notes, questions, rows."""
    from dashboard.components.problems import choice_label, describe, describe_note, field_label
    from dashboard.components.questions import (
        answer_text,
        coordinates_text,
        guess_text,
        personal_lines,
        question_text,
        summary_text,
        unmapped_text,
    )
    from dashboard.i18n import translator
    from geodata.io.personal_data import PERSONAL_DATA

    t = translator(lang)
    summary = plan.summary()
    counts = summary_text(lang, summary)
    table = f" / {summary['table']}" if summary["table"] else ""
    print(f"{summary['file']}{table} → {t('layer.' + plan.layer.name)} ({plan.layer.name}): {counts}")
    if summary["waiting"]:
        print("  " + t("import.waiting", count=summary["waiting"]))
    mapping = plan.mapping
    columns = ", ".join(f"{field_label(lang, field)} ← {column!r}" for field, column in mapping.fields.items())
    where = coordinates_text(lang, mapping, quoted=True)
    print(f"  {t('import.column')}: {columns or t('import.coords_none')}; {t('import.coordinates')}: {where}")
    for note in plan.notes:
        print(f"  {describe_note(lang, note)}")
    for question in plan.questions:
        if question.applied:
            print(
                f"  {guess_text(lang, question, plan.layer, applied=True)} {t('question.override', field=question.field)}"
            )
            continue
        if question.kind == PERSONAL_DATA:
            # The rows and what they hold, masked: the report never repeats the personal data itself.
            asked = question_text(lang, question, plan.layer)
            print(f"  {answer_text(lang, question, plan.layer)}" if question.answer else f"  ? {asked}")
            for flagged in plan.personal[:PERSONAL_ROWS]:
                chosen = f" ({t('personal.choice.' + flagged.choice).lower()})" if flagged.choice else ""
                for line in personal_lines(lang, flagged):
                    print(f"    {line}{chosen}")
            if len(plan.personal) > PERSONAL_ROWS:
                print(f"    {t('personal.more', count=len(plan.personal) - PERSONAL_ROWS)}")
            if question.open:
                print(f"    {t('question.personal_cli')}")
            continue
        if question.answer is not None:
            print(f"  {answer_text(lang, question, plan.layer)}")
            continue
        print(f"  ? {question_text(lang, question, plan.layer)}")
        for hint in (guess_text(lang, question, plan.layer), unmapped_text(lang, question, command_line=True)):
            if hint:
                print(f"    {hint}")
        choices = plan.layer.field(question.field).choices
        if choices:
            ordered = [*question.candidates, *(c for c in choices if c not in question.candidates)]
            codes = ", ".join(f"{code} ({choice_label(lang, question.field, code)})" for code in ordered)
            print(f"    {t('question.codes', codes=codes)}")
    status = {k: t(f"import.status_{k}") for k in ("rejected", "duplicate", "warning")}
    for line in plan.report():
        row = t("import.file_row") if line["row"] is None else f"{t('import.row')} {line['row']}"
        reason = describe(lang, line["field"], line["message"], line["code"], line["params"])
        print(f"  {row}: {status.get(line['status'], line['status'])}: {field_label(lang, line['field'])}: {reason}")


def _print_next_command(plan, args: argparse.Namespace) -> None:
    """The exact command that imports the file once its open questions are answered (with placeholders for those)."""
    from dashboard.i18n import translator

    if not plan.outcomes or (not plan.questions and not args.dry_run):
        return
    t = translator(args.lang)
    words = ["pledgemap", "import", str(args.file), "--data", str(args.data), "--layer", plan.layer.name]
    for option in ("table", "pledge", "promise", "municipality", "source", "rejects"):
        value = getattr(args, option)
        if value:
            words += [f"--{option}", str(value)]
    # The answers given, except those an open question asks again (an answer that could not be used).
    asked_again = {q.field for q in plan.open_questions if q.kind == "missing"}
    asked_texts = {f"{q.field}:{q.text}" for q in plan.open_questions if q.kind == "unclear"}
    for option, pairs in (("--set", args.set), ("--map", args.map), ("--map-value", args.map_value)):
        for pair in pairs:
            key = pair.partition("=")[0].strip()
            if (option == "--set" and key in asked_again) or (option == "--map-value" and key in asked_texts):
                continue
            words += [option, pair]
    if args.personal_data:
        words += ["--personal-data", args.personal_data]
    for pair in args.personal_data_row:
        words += ["--personal-data-row", pair]
    for question in plan.open_questions:
        if question.kind == "personal_data":
            words += ["--personal-data", t("question.placeholder_personal")]
            continue
        field = plan.layer.field(question.field)
        if question.kind == "missing":
            if question.guess is not None:
                value = question.guess.value
            elif field.kind in ("date", "datetime"):
                value = t("question.placeholder_date")
            else:
                value = t("question.placeholder_code")
            words += ["--set", f"{question.field}={value}"]
        else:  # never a likely code in its place: copied as printed, it would answer for the user
            words += ["--map-value", f"{question.field}:{question.text}={t('question.placeholder_code')}"]
    if args.lang != DEFAULT_LANGUAGE:
        words += ["--lang", args.lang]
    if plan.count("rejected") > plan.waiting or args.partial:
        words.append("--partial")
    key = "question.command" if plan.open_questions else "question.command_ready"
    print(f"  {t(key)}")
    print("    " + shlex.join(words))


COMMANDS = {"import": add_import}
