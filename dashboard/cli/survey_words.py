"""The survey commands' output in the reader's language: an import's columns and gaps, a refused file's problems,
an indicator's description and a goal's trend (``pledgemap survey``, ``pledgemap analyze goals``).

The domain names a problem's record in English ("row 5", "row 5, Kvinnor", "file x.csv"); it is worded by
:func:`dashboard.components.problems.record_label`, the reason by :func:`dashboard.components.problems.describe`,
and a field by the survey page's names (``surveys.field.*``).
"""

from __future__ import annotations

from dashboard.components.problems import field_label, record_label, survey_reason
from dashboard.i18n import catalogue, number, translator
from geodata.analysis.indicators import GoalTrend
from geodata.errors import Problem, ValidationError
from geodata.io.survey_import import SurveyImport
from geodata.surveys import Indicator, group_label


def field_name(field: str, lang: str) -> str:
    """A survey field as a sentence names it, in lower case: "värde", "antal svar (n)" (the survey page's names)."""
    label = catalogue(lang).get(f"surveys.field.{field}", field_label(lang, field))
    return label[:1].lower() + label[1:]


def problem_line(problem: Problem, lang: str) -> str:
    """One problem: "Rad 5, Kvinnor, fältet ”värde”: ”abc” är inget tal …"."""
    return translator(lang)(
        "survey.problem_line",
        record=record_label(lang, problem.record),
        field=field_name(problem.field, lang),
        reason=survey_reason(lang, problem),
    )


def refused(error: ValidationError, lang: str) -> str:
    """A refused import or description: how many problems, each on a line, and that nothing was stored."""
    t = translator(lang)
    count = len(error.problems)
    lines = [t("survey.refused", count=count)]
    lines += [f"- {problem_line(p, lang)}" for p in error.problems]
    return "\n".join(lines)


def imported(result: SurveyImport, lang: str) -> str:
    """What an import used, what the file did not have and what that means, and what it stored."""
    t = translator(lang)
    lines = []
    wide = set(result.wide_groups)
    used = [f"{field_name(name, lang)} ← {column}" for name, column in result.columns.items()]
    lines.append(t("survey.columns", columns=", ".join(used)))
    if wide:
        groups = ", ".join(f"{column} ({group_label(code, lang)})" for column, code in result.wide_groups.items())
        lines.append(t("survey.group_columns", columns=groups))
    if result.missing:
        names = ", ".join(t(f"survey.missing_{name}") for name in result.missing)
        lines.append(t("survey.missing", fields=names))
        if "uncertainty" in result.missing:
            lines.append(
                t("survey.missing_uncertainty_means" if "n" not in result.missing else "survey.missing_all_means")
            )
        if "group" in result.missing:
            lines.append(t("survey.missing_group_means"))
        if "series_break" in result.missing:
            lines.append(t("survey.missing_series_break_means"))
    if result.unused:
        lines.append(t("survey.unused", columns=", ".join(result.unused), count=len(result.unused)))
    if result.undescribed:
        lines.append(t("survey.undescribed", names=", ".join(result.undescribed), count=len(result.undescribed)))
        lines.append(t("survey.undescribed_how"))
    rows = len(result.rows)
    if result.dry_run:
        lines.append(t("survey.dry_run", count=rows, new=result.new, replaced=result.replaced))
    else:
        same = rows - result.new - result.replaced
        lines.append(t("survey.stored", new=result.new, replaced=result.replaced, same=same))
    return "\n".join(lines)


def described(indicator: Indicator, lang: str) -> str:
    """A stored description, a fact a line."""
    t = translator(lang)
    words = catalogue(lang)
    lines = [t("survey.described", name=indicator.name)]
    if indicator.kind:
        lines.append(f"  {t('report.indicator_kind')}: {words[f'survey_kind.{indicator.kind}']}")
    if indicator.scale:
        low, high = (number(end, lang, 0 if float(end).is_integer() else 1) for end in indicator.scale)
        lines.append(f"  {t('report.indicator_scale')}: {low}–{high}")
    if indicator.better:
        lines.append(f"  {t('report.indicator_better')}: {t(f'goals.better_{indicator.better}')}")
    if indicator.measures:
        lines.append(f"  {t('report.indicator_measures')}: {indicator.measures}")
    if indicator.source:
        lines.append(f"  {t('report.indicator_source')}: {indicator.source}")
    return "\n".join(lines)


def goal_lines(trend: GoalTrend, lang: str) -> list[str]:
    """A goal's trend as the report says it: the indicator, per area and group baseline → latest with intervals,
    the change and whether it is larger than the uncertainty, the series breaks, the reports per year."""
    from dashboard.documents.followup import change_sentence, indicator_facts, with_interval

    t = translator(lang)
    lines = [f"{trend.goal.id}: {trend.goal.text}"]
    if trend.verdict == "no_indicator":
        return [*lines, f"  {t('report.goal_no_indicator')}"]
    lines += [f"  {key}: {value}" for key, value in indicator_facts(trend, lang)]
    if not trend.has_data:
        lines.append(f"  {t('report.goal_no_data', indicator=trend.goal.indicator)}")
    else:
        lines.append(f"  {t('goals.baseline')} {trend.baseline_year}: {t(f'goals.verdict_{trend.verdict}')}")
        for row in trend.changes.itertuples():
            base = with_interval(trend, row.baseline, row.baseline_low, row.baseline_high, lang)
            latest = with_interval(trend, row.latest, row.latest_low, row.latest_high, lang)
            lines.append(f"  {row.area_name}, {group_label(row.group, lang)}: {base} → {latest} ({row.latest_year})")
            lines.append(f"    {change_sentence(trend, row, lang)}")
        first = int(trend.series["year"].min())
        for row in trend.breaks.itertuples():
            if row.year > first:
                reason = row.break_reason if isinstance(row.break_reason, str) and row.break_reason else None
                key = "report.goal_break" if reason else "report.goal_break_no_reason"
                lines.append(f"  {t(key, year=row.year, reason=reason or '')}")
    reports = trend.reports
    if reports is not None:
        names = ", ".join(t(f"category.{c}") for c in reports.categories)
        lines.append(f"  {t('report.goal_reports', categories=names)}")
        fewer = t("report.fewer_than", min=number(reports.min_count, lang))
        for year, count in sorted(reports.counts.items()):
            lines.append(f"    {year}: {fewer if count is None else number(count, lang)}")
    return lines
