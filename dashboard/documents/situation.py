"""The lägesbild as a document: a municipality's kartläggning of a year and the analysis and action plan written
on it, in Word or PDF.

What it holds is the domain's: the kartläggning computed from what the caller of the store may read
(:func:`geodata.analysis.situation.kartlaggning`) and a saved version of the written sections
(:func:`geodata.analysis.situation_document.situation_versions`, refused for a role that may not read them).
This module only words it from the catalogues (``situation.*``, the vocabularies' labels), writes its numbers
as :mod:`dashboard.i18n` does, draws the one chart and hands the blocks to a renderer. :func:`situation_file` is
the one entry point of the command line and the download route alike.
"""

from __future__ import annotations

import datetime as dt

from dashboard.components.survey_table import SURVEY_NUMERIC, survey_cells, survey_headings
from dashboard.documents import charts
from dashboard.documents.blocks import Block, Document, Facts, Heading, Image, Paragraph, Table
from dashboard.documents.followup import FORMATS, day
from dashboard.figures.situation import category_table, centre_text, month_name
from dashboard.i18n import number, translator
from geodata.analysis.situation import NOT_STATED, WEEKDAYS, Kartlaggning, kartlaggning
from geodata.analysis.situation_document import SituationReport, situation_versions
from geodata.clock import LOCAL_TZ
from geodata.errors import NotFoundError


def situation_file(
    store, code: str, year: int, fmt: str, lang: str, today: dt.date, version: int | None = None
) -> tuple[bytes, str, str]:
    """The lägesbild of municipality ``code`` for ``year`` as the caller of ``store`` may read it, with the latest
    saved version of its written sections (or ``version``), rendered as ``fmt`` ("docx" or "pdf") in ``lang``:
    (the file's bytes, its download name, its media type). A version that was never saved raises
    :class:`~geodata.errors.NotFoundError`."""
    if fmt not in FORMATS:
        raise ValueError(f"{fmt!r} is not a format of the lägesbild; expected docx or pdf")
    render, extension, media_type = FORMATS[fmt]
    versions = situation_versions(store, code, year)
    if version is None:
        report = versions[-1] if versions else SituationReport(code, year)
    else:
        found = [v for v in versions if v.version == version]
        if not found:
            saved = ", ".join(str(v.version) for v in versions) or "none"
            raise NotFoundError(f"the lägesbild {code}/{year} has no version {version}; saved versions: {saved}")
        report = found[0]
    survey = kartlaggning(store, code, year)
    name = f"{translator(lang)('situation.file_name')}-{code}-{year}"
    name += f"-v{report.version}" if report.version else ""
    return render(situation_document(survey, report, lang, today)), name + extension, media_type


def _moment(when: dt.datetime | None, lang: str) -> str:
    if when is None:
        return "–"
    local = (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(LOCAL_TZ)
    return f"{day(local.date(), lang)} {local:%H:%M}"


def situation_document(k: Kartlaggning, report: SituationReport, lang: str, today: dt.date) -> Document:
    """The blocks of the lägesbild: the kartläggning ``k``, then the written sections of ``report``."""
    t = translator(lang)
    title = t("situation.doc_title", municipality=k.municipality_name, year=k.year)
    saved = (
        t(
            "situation.doc_version",
            version=report.version,
            name=report.saved_by or "–",
            when=_moment(report.saved_at, lang),
        )
        if report.version
        else t("situation.doc_unsaved")
    )
    blocks: list[Block] = [
        Facts(
            (
                (t("situation.municipality"), f"{k.municipality_name} ({k.municipality_code})"),
                (t("situation.year"), str(k.year)),
                (t("situation.version"), saved),
            )
        ),
        Paragraph(t("situation.doc_as_of", date=day(today, lang)), muted=True),
        Paragraph(t("situation.doc_intro"), muted=True),
        *_survey(k, lang),
        *_written(report, lang),
    ]
    return Document(
        title=title,
        lang=lang,
        blocks=tuple(blocks),
        subtitle=t("situation.doc_subtitle"),
        footer=t("situation.footer", title=title, page="{page}"),
        keywords=(k.municipality_code, str(k.year)),
    )


def _survey(k: Kartlaggning, lang: str) -> list[Block]:
    t = translator(lang)
    blocks: list[Block] = [
        Heading(t("situation.survey")),
        Paragraph(t("situation.doc_survey_note", count=number(k.reports, lang), year=k.year)),
    ]
    if k.few_reports and k.reports:
        blocks.append(Paragraph(t("situation.few_reports"), muted=True))
    blocks.append(Heading(t("situation.by_category"), 2))
    if k.categories:
        counts = [(c.category, t(f"category.{c.category}"), c.count) for c in k.categories]
        parts = ", ".join(f"{label} {number(n, lang)}" for _, label, n in counts)
        caption = t("situation.by_category_caption", year=k.year)
        columns, rows = category_table(k, t, lang)
        blocks += [
            Image(
                charts.status_bars(counts, lang, t("situation.reports")),
                alt=t("situation.category_alt", year=k.year, parts=parts),
                caption=caption,
                width=0.9,
            ),
            Table(
                tuple(columns),
                tuple(tuple(row) for row in rows),
                caption=caption,
                numeric=(1, 2, 3, 4),
            ),
        ]
    else:
        blocks.append(Paragraph(t("situation.no_reports", year=k.year)))
    blocks += [
        Heading(t("situation.trend"), 2),
        Table(
            (t("situation.year"), t("situation.reports")),
            tuple((str(y), number(k.trend[y], lang)) for y in sorted(k.trend)),
            caption=t("situation.trend_caption"),
            numeric=(1,),
        ),
        Heading(t("situation.places"), 2),
    ]
    if k.places:
        blocks += [
            Paragraph(t("situation.places_note", size=number(k.cell_m, lang)), muted=True),
            Table(
                (t("situation.rank"), t("situation.reports"), t("situation.hotspot"), t("situation.centre")),
                tuple(
                    (
                        str(p.rank),
                        number(p.count, lang),
                        t(f"hotspot.{p.hotspot}"),
                        centre_text(t, lang, p.lat, p.lon),
                    )
                    for p in k.places
                ),
                caption=t("situation.places_caption", year=k.year),
                numeric=(1,),
            ),
        ]
    else:
        blocks.append(Paragraph(t("situation.no_reports", year=k.year)))
    columns = [t("situation.not_stated") if c == NOT_STATED else t(f"time_of_day.{c}") for c in k.times_of_day]
    blocks += [
        Heading(t("situation.week"), 2),
        Paragraph(t("situation.week_note"), muted=True),
        Table(
            (t("situation.weekday"), *columns),
            tuple((t(f"situation.weekday.{d}"), *[number(v, lang) for v in row]) for d, row in zip(WEEKDAYS, k.week)),
            caption=t("situation.week_caption", year=k.year),
            numeric=tuple(range(1, len(columns) + 1)),
        ),
        Heading(t("situation.survey_results"), 2),
    ]
    if len(k.survey):
        blocks.append(Table(survey_headings(t), tuple(survey_cells(k.survey, lang)), numeric=SURVEY_NUMERIC))
    else:
        blocks.append(Paragraph(t("situation.no_survey", first=k.year - len(k.earlier_years), year=k.year)))
    blocks.append(Heading(t("situation.events"), 2))
    if k.police_events:
        blocks += [
            Paragraph(t("events.note"), muted=True),
            Table(
                (t("events.month"), t("events.count"), t("events.types")),
                tuple(
                    (
                        month_name(t, m.month),
                        number(m.total, lang),
                        ", ".join(f"{kind} ({number(n, lang)})" for kind, n in m.top_types),
                    )
                    for m in k.police_events
                ),
                caption=t("situation.events_caption", year=k.year),
                numeric=(1,),
            ),
        ]
    else:
        blocks.append(Paragraph(t("situation.no_events", year=k.year)))
    if k.operations is not None:
        blocks.append(Heading(t("situation.operations"), 2))
        if len(k.operations):
            kinds = sorted(set(k.operations["kind"]))
            table = k.operations.pivot_table(index="month", columns="kind", values="count", aggfunc="sum", fill_value=0)
            blocks.append(
                Table(
                    (t("events.month"), *[t(f"operation_kind.{kind}") for kind in kinds]),
                    tuple(
                        (month_name(t, month), *[number(int(row[kind]), lang) for kind in kinds])
                        for month, row in table.iterrows()
                    ),
                    caption=t("situation.operations_caption", year=k.year),
                    numeric=tuple(range(1, len(kinds) + 1)),
                )
            )
        else:
            blocks.append(Paragraph(t("situation.no_operations", year=k.year)))
    return blocks


def _written(report: SituationReport, lang: str) -> list[Block]:
    t = translator(lang)
    blocks: list[Block] = [Heading(t("situation.analysis"))]
    lines = [line for line in report.analysis.splitlines() if line.strip()]
    blocks += [Paragraph(line) for line in lines] or [Paragraph(t("situation.empty"), muted=True)]
    blocks.append(Heading(t("situation.problems")))
    if not report.problems:
        blocks.append(Paragraph(t("situation.no_problems"), muted=True))
    numbers = {p.id: n for n, p in enumerate(report.problems, start=1)}
    for n, problem in enumerate(report.problems, start=1):
        facts = []
        if problem.categories:
            facts.append((t("situation.field.categories"), ", ".join(t(f"category.{c}") for c in problem.categories)))
        if problem.places:
            facts.append((t("situation.field.places"), problem.places))
        blocks += [Heading(t("situation.problem_n", n=n), 2), Paragraph(problem.text)]
        if facts:
            blocks.append(Facts(tuple(facts)))
    blocks.append(Heading(t("situation.measures")))
    if report.measures:
        blocks.append(
            Table(
                (
                    t("situation.measure_text"),
                    t("situation.measure_responsible"),
                    t("situation.measure_when"),
                    t("situation.field.problem"),
                ),
                tuple(
                    (
                        m.text,
                        m.responsible,
                        m.when or "–",
                        t("situation.problem_n", n=numbers[m.problem]) if m.problem in numbers else "–",
                    )
                    for m in report.measures
                ),
            )
        )
    else:
        blocks.append(Paragraph(t("situation.no_measures"), muted=True))
    return blocks
