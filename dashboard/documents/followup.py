"""The follow-up report's wording: a :class:`~geodata.analysis.followup_report.FollowUpReport` as a document.

What the report holds, and what of it a reader may see, is decided in the domain
(:func:`geodata.analysis.followup_report.follow_up_report`, read through the caller's guarded store); this
module only words it from the catalogues (``report.*``, the vocabularies' status labels), writes its numbers as
:mod:`dashboard.i18n` does, draws its pictures (:mod:`dashboard.documents.charts`) and hands the blocks to a
renderer. :func:`followup_file` is the one entry point of the command line and the download route alike.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pandas as pd

from dashboard.components.followup import status_label
from dashboard.components.layout import promise_label, short_text
from dashboard.documents import charts
from dashboard.documents.blocks import Block, Bullets, Document, Facts, Heading, Image, Paragraph, Table
from dashboard.documents.docx import to_docx
from dashboard.documents.pdf import to_pdf
from dashboard.i18n import (
    alternatives,
    band_text,
    catalogue,
    number,
    number_range,
    percent,
    period_name,
    signed,
    translator,
)
from geodata.analysis.followup import GRACE_DAYS, NOT_JUDGED
from geodata.analysis.followup_report import FollowUpReport, GoalReport, Judged, PromiseReport, follow_up_report
from geodata.analysis.indicators import GoalTrend
from geodata.followup import FollowUpPeriod
from geodata.store.base import Store
from geodata.surveys import ALL, group_label, group_order
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
            return [Paragraph(t("report.map_all_suppressed", min=number(MIN_COUNT, lang)), muted=True)]
        png = charts.record_map(shown.boundary, cells=[(c.polygon, c.band) for c in shown.cells], lang=lang)
        alt = t("report.map_alt_cells", municipality=where, period=period_name(report.period.code, t),
                count=band_text(shown.shown, lang), cells=number(len(shown.cells), lang))  # fmt: skip
        size_km = number((shown.size_m or 0) * 3**0.5 / 1000, lang, 1)  # a pointy-top hexagon's width
        caption = t("report.map_caption_cells", layer=layer, size=size_km, min=number(MIN_COUNT, lang))
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
    blocks.append(Facts(indicator_facts(trend, lang)))
    if not trend.has_data:
        return [*blocks, Paragraph(t("report.goal_no_data", indicator=indicator), muted=True), *_reports(trend, lang)]
    better = {"lower": "goals.better_lower", "higher": "goals.better_higher"}.get(
        trend.better or "", "goals.better_none"
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
    everyone = _everyone(trend.series)
    areas = list(dict.fromkeys(everyone["area_name"].astype(str)))
    breaks = trend.breaks
    first = int(trend.series["year"].min())
    breaks = breaks[breaks["year"] > first]
    caption = t("report.goal_caption", indicator=indicator, baseline=trend.baseline_year)
    if not breaks.empty:
        years = alternatives([str(y) for y in dict.fromkeys(breaks["year"])], lang)
        caption += " " + t("report.goal_caption_break", years=years)
    blocks.append(
        Image(
            charts.indicator_trend(
                everyone, trend.baseline_year, lang, _digits(trend), break_label=t("report.goal_break_mark")
            ),
            t("report.goal_alt", indicator=indicator, areas=alternatives(areas, lang), baseline=trend.baseline_year),
            caption,
        )
    )
    for row in breaks.itertuples():
        reason = row.break_reason if isinstance(row.break_reason, str) and row.break_reason else None
        key = "report.goal_break" if reason else "report.goal_break_no_reason"
        blocks.append(Paragraph(t(key, year=row.year, reason=reason or "")))
    changes = trend.changes
    overall = changes[changes["group"] == ALL] if not changes.empty else changes
    for row in (overall if not overall.empty else changes).itertuples():
        blocks.append(Paragraph(change_sentence(trend, row, lang)))
    if not changes.empty:
        digits = _digits(trend)
        rows = tuple(
            (
                str(row.area_name),
                group_label(row.group, lang),
                with_interval(trend, row.baseline, row.baseline_low, row.baseline_high, lang),
                with_interval(trend, row.latest, row.latest_low, row.latest_high, lang),
                signed(row.change, lang, digits)
                + ("" if _missing(row.margin) else f" (±{number(row.margin, lang, digits)})"),
                t(f"goals.verdict_{row.verdict}"),
            )
            for row in changes.itertuples()
        )
        header = (t("goals.area"), t("report.goal_group"), t("goals.baseline"), t("goals.latest"), t("goals.change"),
                  t("goals.verdict"))  # fmt: skip
        caption = t("goals.table_caption", indicator=indicator) + ". " + t("report.goal_table_note")
        blocks.append(Table(header, rows, caption, numeric=(2, 3, 4)))
    blocks += _groups(trend, lang)
    blocks += _reports(trend, lang)
    return blocks


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _digits(trend: GoalTrend) -> int:
    return 1 if trend.indicator.kind == "share" else 2


def _value(trend: GoalTrend, value: float, lang: str) -> str:
    if trend.indicator.kind == "share":
        return percent(value / 100, lang, 1)
    return number(value, lang, _digits(trend))


def with_interval(trend: GoalTrend, value: float, low: object, high: object, lang: str) -> str:
    """A value with its 95 % interval in brackets, where the interval is known: "22,6 % (20,2–25,2)"."""
    text = _value(trend, value, lang)
    if _missing(low) or _missing(high):
        return text
    return f"{text} ({number_range(float(low), float(high), lang, _digits(trend))})"  # type: ignore[arg-type]


def _everyone(series: pd.DataFrame) -> pd.DataFrame:
    """Each area's rows for everyone, or, for an area without them, its first group's."""
    parts = []
    for _, part in series.groupby("area_id", sort=False):
        group = ALL if (part["group"] == ALL).any() else part["group"].iloc[0]
        parts.append(part[part["group"] == group])
    return pd.concat(parts, ignore_index=True) if parts else series


def indicator_facts(trend: GoalTrend, lang: str) -> tuple[tuple[str, str], ...]:
    """What the indicator measures, its kind and scale, which way is better and its source."""
    t = translator(lang)
    described = trend.indicator
    facts = [(t("report.indicator"), trend.goal.indicator or described.name)]
    if described.measures:
        facts.append((t("report.indicator_measures"), described.measures))
    facts.append(
        (
            t("report.indicator_kind"),
            t(f"survey_kind.{described.kind}") if described.kind else t("report.indicator_undescribed"),
        )
    )
    scale = described.scale
    if scale is not None:
        low, high = (number(end, lang, 0 if float(end).is_integer() else 1) for end in scale)
        facts.append((t("report.indicator_scale"), t("report.indicator_scale_share") if described.kind == "share"
                      else f"{low}–{high}"))  # fmt: skip
    better = {"lower": "goals.better_lower", "higher": "goals.better_higher"}.get(
        trend.better or "", "goals.better_none"
    )
    facts.append((t("report.indicator_better"), t(better)))
    if described.source:
        facts.append((t("report.indicator_source"), described.source))
    return tuple(facts)


def change_sentence(trend: GoalTrend, row, lang: str) -> str:
    """Whether an area's change since the baseline is larger than the uncertainty, in words."""
    t = translator(lang)
    if row.verdict == "not_comparable":
        reason = row.break_reason if isinstance(row.break_reason, str) and row.break_reason else ""
        words = t("report.uncertainty_break_reason" if reason else "report.uncertainty_break", year=row.break_year,
                  reason=reason)  # fmt: skip
    elif row.uncertainty == "beyond":
        words = t("report.uncertainty_up" if row.change > 0 else "report.uncertainty_down")
    elif row.uncertainty == "within":
        words = t("report.uncertainty_within")
    else:
        words = t("report.uncertainty_unknown")
    who = str(row.area_name) if row.group == ALL else f"{row.area_name}, {group_label(row.group, lang)}"
    return t(
        "report.goal_change",
        area=who,
        baseline=_value(trend, row.baseline, lang),
        baseline_year=trend.baseline_year,
        latest=_value(trend, row.latest, lang),
        latest_year=row.latest_year,
        change=signed(row.change, lang, _digits(trend))
        + (t("report.points") if trend.indicator.kind == "share" else ""),
        words=words,
    )


def _groups(trend: GoalTrend, lang: str) -> list[Block]:
    """Per area with more than one group, the groups side by side for its latest year."""
    t = translator(lang)
    blocks: list[Block] = []
    for _, part in trend.series.groupby("area_id", sort=False):
        latest = part[part["year"] == part["year"].max()]
        if latest["group"].nunique() < 2:
            continue
        latest = latest.assign(order=latest["group"].map(group_order)).sort_values("order")
        rows = tuple(
            (
                group_label(row.group, lang),
                _value(trend, row.value, lang),
                t("report.none")
                if _missing(row.low) or _missing(row.high)
                else number_range(row.low, row.high, lang, _digits(trend)),
                t("report.none") if _missing(row.n) else number(int(row.n), lang),
            )  # fmt: skip
            for row in latest.itertuples()
        )
        header = (t("report.goal_group"), t("report.value"), t("report.goal_interval"), t("report.goal_n"))
        caption = t("report.goal_groups_caption", indicator=trend.goal.indicator, area=latest["area_name"].iloc[0],
                    year=int(latest["year"].iloc[0]))  # fmt: skip
        blocks.append(Table(header, rows, caption, numeric=(1, 2, 3)))
    return blocks


def _reports(trend: GoalTrend, lang: str) -> list[Block]:
    """The reports of the goal's unsafe-place categories per year, the public's under the minimum not counted."""
    reports = trend.reports
    if reports is None:
        return []
    t = translator(lang)
    categories = alternatives([t(f"category.{c}") for c in reports.categories], lang)
    blocks: list[Block] = [Paragraph(t("report.goal_reports", categories=categories))]
    if not reports.counts:
        return [*blocks, Paragraph(t("report.goal_reports_none"), muted=True)]
    fewer = t("report.fewer_than", min=number(reports.min_count, lang))
    rows = tuple(
        (str(year), fewer if count is None else number(count, lang)) for year, count in sorted(reports.counts.items())
    )
    blocks.append(Table((t("report.year"), t("report.count")), rows, t("report.goal_reports_caption"), numeric=(1,)))
    if reports.public:
        blocks.append(Paragraph(t("report.goal_reports_public", min=number(reports.min_count, lang)), muted=True))
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


__all__ = ["FORMATS", "change_sentence", "followup_document", "followup_file", "indicator_facts", "with_interval"]
