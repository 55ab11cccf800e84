"""The follow-up report's wording: a :class:`~geodata.analysis.followup_report.FollowUpReport` as a document.

What the report holds, and what of it a reader may see, is decided in the domain
(:func:`geodata.analysis.followup_report.follow_up_report`, read through the caller's guarded store); this
module only words it from the catalogues (``report.*``, the vocabularies' status labels), writes its numbers as
:mod:`dashboard.i18n` does, draws its pictures (:mod:`dashboard.documents.charts`) and hands the blocks to a
renderer. :func:`followup_file` is the one entry point of the command line and the download route alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dashboard.components.followup import status_label
from dashboard.components.layout import promise_label, short_text
from dashboard.documents import charts
from dashboard.documents.blocks import Block, Bullets, Document, Facts, Heading, Image, Paragraph, Table
from dashboard.documents.docx import to_docx
from dashboard.documents.pdf import to_pdf
from dashboard.i18n import alternatives, catalogue, number, period_name, translator
from geodata.analysis.followup import GRACE_DAYS, NOT_JUDGED
from geodata.analysis.followup_report import FollowUpReport, GoalReport, Judged, PromiseReport, follow_up_report
from geodata.followup import FollowUpPeriod
from geodata.store.base import Store
from geodata.views.public import MIN_COUNT

# Format → (renderer, file extension, media type).
FORMATS: dict[str, tuple[Callable[[Document], bytes], str, str]] = {
    "docx": (to_docx, ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (to_pdf, ".pdf", "application/pdf"),
}


def followup_file(
    store: Store, pledge_id: str, fmt: str, lang: str, today: dt.date, period: str | None = None
) -> tuple[bytes, str, str]:
    """The follow-up report of ``pledge_id`` for ``period`` as the caller of ``store`` may read it, rendered as
    ``fmt`` ("docx" or "pdf") in ``lang``: (the file's bytes, its download name, its media type)."""
    if fmt not in FORMATS:
        raise ValueError(f"{fmt!r} is not a format of the follow-up report; expected docx or pdf")
    render, extension, media_type = FORMATS[fmt]
    report = follow_up_report(store, pledge_id, today, period)
    name = f"{translator(lang)('report.file_name')}-{report.pledge.id}-{report.period.code}{extension}"
    return render(followup_document(report, lang)), name, media_type


def day(value: dt.date, lang: str) -> str:
    """A date as a sentence writes it: "1 september 2021", "1 September 2021"."""
    months = catalogue(lang)["standalone.months"].split()
    return f"{value.day} {months[value.month - 1]} {value.year}"


def followup_document(report: FollowUpReport, lang: str) -> Document:
    """The blocks of the follow-up report ``report`` in ``lang`` ("sv" or "en")."""
    t = translator(lang)
    pledge, period = report.pledge, report.period
    title = t("report.title", pledge=pledge.title)
    blocks: list[Block] = [
        Facts(
            (
                (t("report.follow_up_period"), _span(period, lang)),
                (t("report.pledge_period"), f"{day(pledge.period.start, lang)}–{day(pledge.period.end, lang)}"),
                (t("pledge.municipality"), pledge.municipality.name),
                (t("pledge.partners"), ", ".join(p.name for p in pledge.partners)),
                *(((t("pledge.focus"), pledge.focus),) if pledge.focus else ()),
            )
        ),
        Paragraph(t("report.as_of", date=day(report.today, lang)), muted=True),
    ]
    if report.public:
        blocks.append(Paragraph(t("report.public_note", min=number(MIN_COUNT, lang)), muted=True))
    blocks += _summary(report, lang)
    blocks.append(Heading(t("report.promises")))
    for index, item in enumerate(report.promises, start=1):
        blocks += _promise(report, item, index, lang)
    if report.goals:
        blocks.append(Heading(t("report.goals")))
        for index, goal in enumerate(report.goals, start=1):
            blocks += _goal(goal, index, lang)
    blocks += _next(report, lang)
    return Document(
        title=title,
        lang=lang,
        blocks=tuple(blocks),
        subtitle=t(
            "report.subtitle",
            period=period_name(period.code, t),
            start=day(period.start, lang),
            end=day(period.end, lang),
        ),
        footer=t("report.footer", title=pledge.title, period=period_name(period.code, t), page="{page}"),
        author=", ".join(p.name for p in pledge.partners),
        keywords=(pledge.id, period.code),
    )


def _span(period: FollowUpPeriod, lang: str) -> str:
    return f"{period_name(period.code, translator(lang))} ({day(period.start, lang)}–{day(period.end, lang)})"


def _summary(report: FollowUpReport, lang: str) -> list[Block]:
    t = translator(lang)
    counts = [(code, status_label(t, "promise", code), n) for code, n in report.promise_summary.items()]
    total = sum(n for _, _, n in counts)
    judged = total - report.promise_summary.get(NOT_JUDGED, 0)
    parts = ", ".join(f"{label} {number(n, lang)}" for _, label, n in counts)
    blocks: list[Block] = [
        Heading(t("report.summary")),
        Paragraph(t("report.summary_judged", judged=number(judged, lang), total=number(total, lang))),
        Image(
            charts.status_bars(counts, lang, t("report.count")),
            t("report.summary_alt", period=period_name(report.period.code, t), parts=parts),
            t("report.summary_caption", period=period_name(report.period.code, t)),
            width=0.85,
        ),
        Table(
            (t("report.status"), t("report.count")),
            tuple((label, number(n, lang)) for _, label, n in counts),
            numeric=(1,),
        ),
    ]
    if report.goal_summary:
        goal_parts = ", ".join(
            f"{status_label(t, 'goal', code)} {number(n, lang)}" for code, n in report.goal_summary.items() if n
        )
        blocks.append(Paragraph(t("report.summary_goals", parts=goal_parts)))
    return blocks


def _judged_lines(subject: str, judged: Judged, lang: str) -> tuple[tuple[str, str], ...]:
    t = translator(lang)
    lines = [(t("report.judged_status"), status_label(t, subject, judged.status))]
    if judged.trend:
        lines.append(
            (
                t("report.trend"),
                " · ".join(f"{period_name(code, t)}: {status_label(t, subject, s)}" for code, s in judged.trend),
            )
        )
    return tuple(lines)


def _judged_when(judged: Judged, lang: str) -> list[Block]:
    """Who judged and when, where the store gave it (the public's store gives the day, never the name)."""
    if judged.judged_at is None:
        return []
    t = translator(lang)
    when = day(judged.judged_at.date(), lang)
    text = (
        t("report.judged_by", name=judged.judged_by, date=when)
        if judged.judged_by
        else t("report.judged_on", date=when)
    )
    return [Paragraph(text, muted=True)]


def _promise(report: FollowUpReport, item: PromiseReport, index: int, lang: str) -> list[Block]:
    t = translator(lang)
    promise, judged, evidence = item.promise, item.judged, item.evidence
    parties = {p.id: p.name for p in report.pledge.partners}
    facts = (
        (t("pledge.responsible"), ", ".join(parties.get(p, p) for p in promise.parties)),
        *_judged_lines("promise", judged, lang),
    )
    blocks: list[Block] = [
        Heading(t("report.promise", number=index, name=promise_label(promise, t)), 2),
        Paragraph(promise.text),
        Facts(facts),
        *_judged_when(judged, lang),
    ]
    if judged.late:
        blocks.append(Paragraph(t("report.late", date=day(report.period.end, lang))))
    # The judge's words, where the store gave them (never to the public); the public's report leaves the heading out.
    if judged.text or not report.public:
        blocks.append(Heading(t("report.how_it_went"), 3))
        blocks.append(Paragraph(judged.text) if judged.text else Paragraph(t("report.no_text"), muted=True))
    none = t("report.none")
    expected = evidence.get("expected")
    target = evidence.get("target")
    rows = (
        (t("report.in_period"), number(evidence["in_period"], lang)),
        (t("report.to_date"), number(evidence["to_date"], lang)),
        (t("report.target"), number(target, lang) if target is not None else none),
        (t("report.expected"), number(expected, lang, 1) if expected is not None else none),
        (t("report.progress"), t(f"progress.status.{evidence['progress']}")),
        (t("report.proposed"), status_label(t, "promise", item.proposed)),
    )
    blocks.append(Table((t("report.figure"), t("report.value")), rows, t("report.evidence"), numeric=(1,)))
    blocks += _map(report, item, lang)
    return blocks


def _map(report: FollowUpReport, item: PromiseReport, lang: str) -> list[Block]:
    t = translator(lang)
    shown = item.record_map
    layer = t(f"layer.{shown.layer}")
    where = report.pledge.municipality.name
    # Records counted in the period that this reader's map cannot show (the police's internal operations are
    # counted for everyone, drawn for those who read them): said, so the count and the map do not seem to disagree.
    counted = int(item.evidence.get("in_period") or 0)
    unseen = [Paragraph(t("report.map_not_shown", count=number(counted, lang), n=counted), muted=True)]
    empty = unseen if counted else [Paragraph(t("report.map_empty"), muted=True)]
    if shown.aggregated:
        if not shown.cells:
            if not shown.suppressed:
                return empty
            return [Paragraph(t("report.map_all_suppressed", min=number(MIN_COUNT, lang),
                                suppressed=number(shown.suppressed, lang)), muted=True)]  # fmt: skip
        png = charts.record_map(shown.boundary, cells=[(c.polygon, c.count) for c in shown.cells], lang=lang)
        alt = t("report.map_alt_cells", municipality=where, period=period_name(report.period.code, t),
                count=number(shown.shown, lang), cells=number(len(shown.cells), lang))  # fmt: skip
        size_km = number((shown.size_m or 0) * 3**0.5 / 1000, lang, 1)  # a pointy-top hexagon's width
        caption = t("report.map_caption_cells", layer=layer, size=size_km, min=number(MIN_COUNT, lang),
                    suppressed=number(shown.suppressed, lang))  # fmt: skip
    else:
        if not shown.points:
            return empty
        png = charts.record_map(shown.boundary, points=shown.points, lang=lang)
        alt = t("report.map_alt_points", municipality=where, period=period_name(report.period.code, t),
                count=number(len(shown.points), lang))  # fmt: skip
        caption = t("report.map_caption_points", layer=layer, count=number(len(shown.points), lang))
    return [Image(png, alt, caption, width=0.62)]


def _goal(goal: GoalReport, index: int, lang: str) -> list[Block]:
    t = translator(lang)
    trend = goal.trend
    blocks: list[Block] = [
        Heading(t("report.goal", number=index, name=short_text(goal.text)), 2),
        Paragraph(goal.text),
        Facts(_judged_lines("goal", goal.judged, lang)),
        *_judged_when(goal.judged, lang),
    ]
    if goal.judged.text:
        blocks += [Heading(t("report.how_it_went"), 3), Paragraph(goal.judged.text)]
    indicator = trend.goal.indicator
    if not indicator:
        return [*blocks, Paragraph(t("report.goal_no_indicator"), muted=True)]
    if not trend.has_data:
        return [*blocks, Paragraph(t("report.goal_no_data", indicator=indicator), muted=True)]
    better = {"lower": "goals.better_lower", "higher": "goals.better_higher"}.get(
        trend.goal.better or "", "goals.better_none"
    )
    blocks.append(
        Paragraph(
            t(
                "goals.summary",
                indicator=indicator,
                baseline=trend.baseline_year,
                latest=trend.latest_year,
                verdict=t(f"goals.verdict_{trend.verdict}"),
                better=t(better),
            )
        )
    )
    areas = list(dict.fromkeys(trend.series["area_name"].fillna(trend.series["area_id"]).astype(str)))
    blocks.append(
        Image(
            charts.indicator_trend(trend.series, trend.baseline_year, lang),
            t("report.goal_alt", indicator=indicator, areas=alternatives(areas, lang), baseline=trend.baseline_year),
            t("report.goal_caption", indicator=indicator, baseline=trend.baseline_year),
        )
    )
    if not trend.changes.empty:
        rows = tuple(
            (
                str(row.area_name),
                number(row.baseline, lang, 2),
                number(row.latest, lang, 2),
                number(row.change, lang, 2),
                t(f"goals.verdict_{row.verdict}"),
            )
            for row in trend.changes.itertuples()
        )
        header = (t("goals.area"), t("goals.baseline"), t("goals.latest"), t("goals.change"), t("goals.verdict"))
        blocks.append(Table(header, rows, t("goals.table_caption", indicator=indicator), numeric=(1, 2, 3)))
    return blocks


def _next(report: FollowUpReport, lang: str) -> list[Block]:
    t = translator(lang)
    blocks: list[Block] = [Heading(t("report.next"))]
    following = report.next_period
    if following is not None:
        due = following.end + dt.timedelta(days=GRACE_DAYS)
        blocks.append(
            Paragraph(
                t(
                    "report.next_period",
                    period=period_name(following.code, t),
                    start=day(following.start, lang),
                    end=day(following.end, lang),
                    due=day(due, lang),
                )  # fmt: skip
            )
        )
    else:
        blocks.append(Paragraph(t("report.last_period")))
    numbers = {item.promise.id: index for index, item in enumerate(report.promises, start=1)}
    for key, items in (("report.next_not_judged", report.not_judged), ("report.next_delayed", report.delayed)):
        if items:
            blocks.append(Paragraph(t(key, count=number(len(items), lang))))
            blocks.append(
                Bullets(
                    tuple(
                        t("report.promise", number=numbers[i.promise.id], name=promise_label(i.promise, t))
                        for i in items
                    )
                )
            )
    if not report.not_judged and not report.delayed:
        blocks.append(Paragraph(t("report.next_all_judged")))
    return blocks


__all__ = ["FORMATS", "followup_document", "followup_file"]
