"""The follow-up of a pledge on the pages: statuses per period, the latest judgement, its versions, the judging form.

Everything shown comes from :func:`geodata.analysis.followup.pledge_follow_up`, read through the request's
guarded store: the public gets the statuses without the judges' words or names, so nothing here decides
what a role may read. Whether a viewer gets the form is :func:`geodata.access.may_judge`'s answer; saving
goes through :func:`geodata.analysis.judging.judge`, which the guarded store checks again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from dash import dcc, html

from dashboard.components.cycle import promise_lineage_list
from dashboard.components.layout import promise_label, radio_group, short_text
from dashboard.figures.style import status_style
from dashboard.i18n import number, period_name, translator
from dashboard.ids import FollowUp as ID
from geodata import Pledge, clock, vocab
from geodata.analysis.followup import NOT_JUDGED, PeriodState, PledgeFollowUp, Proposal, SubjectFollowUp
from geodata.followup import STATUSES, Judgement
from geodata.views.cycle import PromiseLineage

# The vocabulary group of each subject's statuses: their labels are "activity_status.done", "goal_status.likely".
STATUS_GROUP = {"promise": "activity_status", "goal": "goal_status"}


def status_label(t: Callable[..., str], subject: str, status: str) -> str:
    """A status as the barometers word it ("Påbörjad", "Bedöms kunna uppnås"), "Ej bedömd" for none."""
    return t("followup.not_judged") if status == NOT_JUDGED else t(f"{STATUS_GROUP[subject]}.{status}")


def status_badge(t: Callable[..., str], subject: str, status: str, late: bool = False, text: str | None = None) -> list:
    """The status as a coloured badge (its words on it, never the colour alone), and "sen" beside it when late."""
    badge = html.Span(text or status_label(t, subject, status), className="pm-judged", style=status_style(status))
    if not late:
        return [badge]
    return [badge, " ", html.Span(t("followup.late"), className="pm-late", title=t("followup.late_title"))]


def shown_periods(item: SubjectFollowUp, today: dt.date) -> tuple[PeriodState, ...]:
    """The periods worth a row: those over, judged or running; a future period has nothing to say yet."""
    return tuple(s for s in item.periods if s.due or s.judgement or s.period.start <= today)


def when(moment: dt.datetime | None) -> str:
    """A judgement's time in Swedish time, as every time a person reads is written ("2026-04-30 14:05")."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(clock.LOCAL_TZ)
    return f"{moment:%Y-%m-%d %H:%M}"


def proposal_reason(t: Callable[..., str], lang: str, pledge: Pledge, item: SubjectFollowUp, proposal: Proposal) -> str:
    """Why the figures propose what they propose, in words ("2 av 4 insatser, 1,3 väntade vid periodens slut")."""
    evidence = proposal.evidence
    values: dict[str, object] = {}
    if item.subject == "promise":
        done = int(evidence.get("to_date") or 0)
        layer = pledge.promise(item.subject_id).evidence.layer
        values = {
            "done": number(done, lang),
            "target": number(evidence["target"], lang) if evidence.get("target") is not None else "",
            "expected": number(evidence["expected"], lang, 1) if evidence.get("expected") is not None else "",
            "unit": t(f"followup.unit.{layer}", count=done if evidence.get("target") is None else evidence["target"]),
        }
    else:
        values = {"indicator": evidence.get("indicator") or ""}
    return t(f"followup.reason.{proposal.reason}", **values)


def proposal_text(t: Callable[..., str], lang: str, pledge: Pledge, item: SubjectFollowUp) -> str:
    """ "Förslag utifrån siffrorna: Påbörjad – 2 av 4 insatser, 1,3 väntade vid periodens slut"."""
    proposal = item.proposal
    return t(
        "followup.proposal",
        status=status_label(t, item.subject, proposal.status),
        reason=proposal_reason(t, lang, pledge, item, proposal),
    )


def trend_row(t: Callable[..., str], item: SubjectFollowUp, today: dt.date, compact: bool = False) -> html.Ol:
    """The statuses over the periods, oldest first: each period named, its status on a badge, "sen" when late."""
    states = shown_periods(item, today)
    entries = []
    for state in states:
        name = period_name(state.period.code, t)
        label = status_label(t, item.subject, state.status)
        if compact:  # one badge a period, coloured by its status and saying it in words: "T1 2021: Påbörjad"
            entries.append(
                html.Li(
                    [
                        html.Span(
                            t("followup.trend_entry", period=name, status=label),
                            className="pm-judged",
                            style=status_style(state.status),
                        ),
                        *(
                            [" ", html.Span(t("followup.late"), className="pm-late", title=t("followup.late_title"))]
                            if state.late
                            else []
                        ),
                    ]
                )
            )
        else:
            entries.append(
                html.Li(
                    [
                        html.Span(name, className="pm-trend-period"),
                        " ",
                        *status_badge(t, item.subject, state.status, state.late),
                    ]
                )
            )
    return html.Ol(
        entries,
        className="pm-trend" + (" pm-trend-compact" if compact else ""),
        **{"aria-label": t("followup.trend")},
    )


def judged_line(t: Callable[..., str], judgement: Judgement) -> str:
    """Who judged and when; the public's store gives no name, so then only when."""
    if judgement.judged_by:
        return t("followup.judged_by", who=judgement.judged_by, when=when(judgement.judged_at))
    return t("followup.judged_on", when=when(judgement.judged_at))


def history(t: Callable[..., str], item: SubjectFollowUp) -> html.Details | None:
    """Every version of every period's judgement, newest first, under a disclosure."""
    if not item.history:
        return None
    versions = sorted(item.history, key=lambda j: j.judged_at or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    entries = []
    for j in versions:
        line = t(
            "followup.history_entry",
            period=period_name(j.period, t),
            version=j.version,
            status=status_label(t, item.subject, j.status),
            when=when(j.judged_at),
            who=f", {j.judged_by}" if j.judged_by else "",
        )
        entries.append(html.Li([html.Span(line), html.P(j.text, className="pm-judgement-text") if j.text else None]))
    return html.Details(
        [html.Summary(t("followup.history", count=len(item.history))), html.Ol(entries, className="pm-history")],
        className="pm-disclosure",
    )


def subject_view(
    t: Callable[..., str], lang: str, item: SubjectFollowUp, today: dt.date, period: str | None = None
) -> list:
    """One promise's or goal's follow-up: its statuses over the periods, the judgement of ``period`` (the period
    the page shows; else the latest) with its words, who judged and when, the latest where it is of a later
    period, and every version."""
    latest = item.latest
    shown = item.state(period).judgement if period else latest
    parts: list = [trend_row(t, item, today)]
    if shown is None:
        name = period_name(period, t) if period else None
        parts.append(
            html.P(t("followup.none_for", period=name) if name else t("followup.none_yet"), className="pm-hint")
        )
    else:
        parts += _judgement(t, item, shown, "followup.judged_for" if period else "followup.latest")
    if latest is not None and shown is not latest and (shown is None or latest.period != shown.period):
        parts += _judgement(t, item, latest, "followup.latest")
    return [*[x for x in parts if x is not None], history(t, item)]


def _judgement(t: Callable[..., str], item: SubjectFollowUp, judgement: Judgement, key: str) -> list:
    return [
        html.P(
            [t(key, period=period_name(judgement.period, t)), " ", *status_badge(t, item.subject, judgement.status)],
            className="pm-latest",
        ),
        html.P(judgement.text, className="pm-judgement-text") if judgement.text else None,
        html.P(judged_line(t, judgement), className="pm-help"),
    ]


def judge_form(
    t: Callable[..., str], lang: str, pledge: Pledge, follow_up: PledgeFollowUp, item: SubjectFollowUp
) -> html.Details:
    """The form to judge one promise or goal: the period (the follow-up's selected one first), the status (what
    the period holds, else the figures' proposal, said in words), how it went, and Save.

    The form keeps the version of each period's judgement it was drawn with, so a save after someone else's is
    told, not silently stacked on top.
    """
    key = {"subject": item.subject, "id": item.subject_id}
    selected = follow_up.period.code
    state = item.state(selected)
    periods = [s for s in item.periods if s.period.start <= follow_up.today]
    statuses = [{"label": status_label(t, item.subject, s), "value": s} for s in STATUSES[item.subject]]
    current = state.judgement
    versions = {s.period.code: (s.judgement.version if s.judgement else 0) for s in item.periods}
    return html.Details(
        className="pm-disclosure pm-judge",
        children=[
            html.Summary(t("followup.form_heading")),
            radio_group(
                {"type": ID.period, **key},
                t("followup.form_period"),
                [{"label": period_name(s.period.code, t), "value": s.period.code} for s in periods],
                selected,
                inline=True,
                boxed=False,
            ),
            html.P(proposal_text(t, lang, pledge, item), id={"type": ID.hint, **key}, className="pm-hint"),
            radio_group(
                {"type": ID.status, **key},
                t("followup.form_status"),
                statuses,
                current.status if current else item.proposal.status,
                boxed=False,
            ),
            html.Label(
                [
                    html.Span(t("followup.form_text"), className="pm-label"),
                    dcc.Textarea(
                        id={"type": ID.text, **key},
                        value=current.text if current else "",
                        rows=3,
                        maxLength=2000,
                        className="pm-textarea",
                    ),
                ]
            ),
            dcc.Store(
                id={"type": ID.form, **key},
                data={
                    "pledge": pledge.id,
                    "subject": item.subject,
                    "subject_id": item.subject_id,
                    "versions": versions,
                    "lang": lang,
                },
            ),
            html.Button(
                t("followup.save"),
                id={"type": ID.save, **key},
                type="button",
                className="pm-button pm-primary",
                n_clicks=0,
            ),
            html.Div(id={"type": ID.result, **key}, role="status"),
        ],
    )


def follow_up_items(
    t: Callable[..., str],
    lang: str,
    pledge: Pledge,
    follow_up: PledgeFollowUp,
    items: tuple[SubjectFollowUp, ...],
    judges: set[tuple[str, str]],
    lineages: Mapping[str, PromiseLineage] | None = None,
) -> list:
    """The promises (or goals) of the follow-up, each with its statuses, its earlier (and later) years where it is
    carried over between pledges, and, for a viewer who may judge it, a form."""
    articles = []
    lineages = lineages or {}
    for item in items:
        if item.subject == "promise":
            heading = promise_label(pledge.promise(item.subject_id), t)
            parties = ", ".join(pledge.partner(p).short_name or pledge.partner(p).name for p in item.parties)
        else:
            heading, parties = short_text(item.text, 110), ""
        articles.append(
            html.Article(
                className="pm-followup-item",
                id=f"followup-{item.subject_id}",
                children=[
                    html.H4(heading),
                    html.P(f"{t('pledge.responsible')}: {parties}", className="pm-parties") if parties else None,
                    html.Div(
                        subject_view(t, lang, item, follow_up.today, follow_up.period.code),
                        id={"type": ID.subject, "subject": item.subject, "id": item.subject_id},
                    ),
                    _years(lang, lineages.get(item.subject_id)) if item.subject == "promise" else None,
                    judge_form(t, lang, pledge, follow_up, item) if (item.subject, item.subject_id) in judges else None,
                ],
            )
        )
    return articles


def _years(lang: str, lineage: PromiseLineage | None) -> html.Details | html.Section | None:
    """A carried-over promise's history across years, folded, and why next year's pledge did not take it over
    where it did not; nothing for a promise of one pledge only."""
    if lineage is None or (lineage.years < 2 and lineage.dropped is None):
        return None
    return promise_lineage_list(lang, lineage, heading_level=5, collapsed=True)


def summary_bar(t: Callable[..., str], lang: str, follow_up: PledgeFollowUp, subject: str = "promise") -> html.Div:
    """How many promises (or goals) are in each state in the selected period, as the barometers draw it: one
    bar in the statuses' colours (a picture only) and, under it, each status with its count in words."""
    period = period_name(follow_up.period.code, t)
    noun = t("followup.promises" if subject == "promise" else "followup.goals")
    return status_bar(
        t,
        lang,
        follow_up.summary(subject),
        f"{t('followup.summary_heading', period=period)}: {noun.lower()}",
        t("followup.summary_caption", period=period),
        subject,
    )


def status_bar(
    t: Callable[..., str],
    lang: str,
    counts: Mapping[str, int],
    heading: str,
    caption: str,
    subject: str = "promise",
    level: int = 3,
) -> html.Div:
    """Counts per judged status (``counts``, in their order; statuses counted 0 left out) as the summary bar draws
    them: one bar in the statuses' colours (a picture only) and each status's words with its count, under a
    heading of ``level``."""
    shown = {status: n for status, n in counts.items() if n}
    segments = [
        html.Span(
            className="pm-summary-part",
            style={**status_style(status), "flexGrow": n, "flexBasis": 0},
        )
        for status, n in shown.items()
    ]
    legend = html.Ul(
        [
            html.Li(
                [
                    html.Span(className="pm-swatch", style=status_style(status)),
                    html.Span(status_label(t, subject, status)),
                    " ",
                    html.Strong(number(n, lang)),
                ]
            )
            for status, n in shown.items()
        ],
        className="pm-summary-legend",
        **{"aria-label": caption},
    )
    return html.Div(
        className="pm-summary",
        children=[
            getattr(html, f"H{level}")(heading, className="pm-summary-heading"),
            html.Div(segments, className="pm-summary-bar", **{"aria-hidden": "true"}) if shown else None,
            legend,
        ],
    )


def period_links(t: Callable[..., str], lang: str, follow_up: PledgeFollowUp) -> html.Nav:
    """The periods the follow-up can show (those begun), as links; the one shown is the current page's."""
    extra = f"&lang={lang}" if lang != "sv" else ""
    begun = [p for p in follow_up.periods if p.start <= follow_up.today]
    links = [
        html.Li(
            html.A(
                period_name(p.code, t),
                href=f"/pledge?pledge={follow_up.pledge.id}&period={p.code}{extra}#{ID.section}",
                **({"aria-current": "page"} if p.code == follow_up.period.code else {}),
            )
        )
        for p in begun
    ]
    return html.Nav(
        [html.Span(t("followup.choose_period"), className="pm-period-links-label"), html.Ul(links)],
        className="pm-period-links",
        **{"aria-label": t("followup.choose_period")},
    )


def cadence_form(t: Callable[..., str], pledge: Pledge) -> html.Details:
    """How often the pledge is followed up, for those who may change the pledge: tertial, quarter, half year, year."""
    options = [{"label": t(f"follow_up_period.{code}"), "value": code} for code in vocab.FOLLOW_UP_PERIODS]
    return html.Details(
        [
            html.Summary(t("followup.cadence_change")),
            radio_group(ID.cadence, t("followup.cadence_legend"), options, pledge.cadence, inline=True, boxed=False),
            html.P(t("followup.cadence_help"), className="pm-help"),
            html.Button(t("followup.cadence_save"), id=ID.cadence_save, className="pm-button", n_clicks=0),
            html.Div(id=ID.cadence_result, role="status"),
        ],
        className="pm-disclosure pm-cadence",
    )


def follow_up_section(
    lang: str,
    pledge: Pledge,
    follow_up: PledgeFollowUp,
    judges: set[tuple[str, str]],
    public: bool,
    lineages: Mapping[str, PromiseLineage] | None = None,
    may_change: bool = False,
) -> html.Section:
    """The pledge page's follow-up: the summary bar, every promise and goal with its statuses, latest judgement,
    versions and, where the viewer may judge it, the form. A section of its own (``FollowUp.section``), so
    that more about the follow-up (the report, next year's pledge) can be added to it."""
    t = translator(lang)
    cadence = t(f"follow_up_period.{pledge.cadence}").lower()
    parts: list = [
        html.H2(t("followup.heading"), id="followup-heading"),
        html.P(t("followup.intro", cadence=cadence), className="pm-help"),
        html.P(t("followup.public_note"), className="pm-help") if public else None,
        cadence_form(t, pledge) if may_change else None,
        period_links(t, lang, follow_up),
        html.Div(summary_bar(t, lang, follow_up), id=ID.summary),
        dcc.Store(id=ID.shown, data={"pledge": pledge.id, "period": follow_up.period.code, "lang": lang}),
        html.H3(t("followup.promises")),
        *follow_up_items(t, lang, pledge, follow_up, follow_up.promises, judges, lineages),
    ]
    if follow_up.goals:
        parts += [html.H3(t("followup.goals")), *follow_up_items(t, lang, pledge, follow_up, follow_up.goals, judges)]
    return html.Section(
        [p for p in parts if p is not None],
        id=ID.section,
        className="pm-followup",
        **{"aria-labelledby": "followup-heading"},
    )


def card_follow_up(t: Callable[..., str], item: SubjectFollowUp, today: dt.date) -> list:
    """What a promise card adds of the follow-up: the latest judgement's status and the start of its text, and
    the statuses over the periods as a compact row."""
    latest = item.latest
    parts: list = []
    if latest is not None:
        parts.append(
            html.P(
                [
                    html.Span(t("followup.card_latest", period=period_name(latest.period, t))),
                    " ",
                    *status_badge(t, item.subject, latest.status),
                ],
                className="pm-latest",
            )
        )
        if latest.text:
            parts.append(html.P(short_text(latest.text, 140), className="pm-judgement-text"))
    else:
        parts.append(html.P(status_badge(t, item.subject, NOT_JUDGED), className="pm-latest"))
    if shown_periods(item, today):
        parts.append(trend_row(t, item, today, compact=True))
    return [html.Div(parts, className="pm-card-followup")]


def card_parts(lang: str, follow_up: PledgeFollowUp) -> dict[str, list]:
    """The follow-up of each promise card (:func:`card_follow_up`), by promise id, for ``progress_cards``."""
    t = translator(lang)
    return {item.subject_id: card_follow_up(t, item, follow_up.today) for item in follow_up.promises}
