"""Pieces every page shares: the header with navigation, the demo-data banner, progress cards and the one kind of alert."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import dash
from dash import ClientsideFunction, Input, clientside_callback, dcc, html

from dashboard.i18n import translator
from geodata import AccessError, Pledge, Promise, PromiseProgress, Store

# The pages in the order the navigation shows them: (path, catalogue key).
NAVIGATION = (
    ("/", "nav.overview"),
    ("/pledge", "nav.pledge"),
    ("/layers", "nav.layers"),
    ("/sites", "nav.sites"),
    ("/analysis", "nav.analysis"),
    ("/import", "nav.import"),
)


def _with_lang(query: str, lang: str) -> str:
    params = dict(parse_qsl(query, keep_blank_values=True))
    params["lang"] = lang
    return urlencode(params, safe=",")


def header(lang: str, path: str = "/", query: str = "") -> html.Header:
    """Title, navigation between pages (keeping the view's query) and the language switch."""
    t = translator(lang)
    other = t("app.other_language_code")
    registered = {page["path"] for page in dash.page_registry.values()}
    keep = _with_lang(query, lang) if lang != "sv" else query
    links = [
        html.Li(
            html.A(
                t(key),
                href=f"{target}?{keep}" if keep else target,
                **({"aria-current": "page", "className": "pm-nav-current"} if target == path else {}),
            )
        )
        for target, key in NAVIGATION
        if target in registered
    ]
    return html.Header(
        className="pm-header",
        children=[
            html.Div(
                [html.Span(t("app.title"), className="pm-brand"), html.Span(t("app.tagline"), className="pm-tagline")]
            ),
            html.Nav(html.Ul(links, className="pm-nav"), **{"aria-label": t("nav.label")}),
            # A plain link: changing language reloads the page in the other catalogue, keeping the view.
            html.A(
                t("app.other_language"),
                href=f"{path}?{_with_lang(query, other)}",
                lang=other,
                hrefLang=other,
                className="pm-lang",
                id="pm-lang-link",
                title=t("app.language"),
            ),
            account_box(lang),
        ],
    )


def account_box(lang: str) -> html.Form | None:
    """Who is signed in, and a sign-out button (a form with the session's token): nothing while sign-in is off."""
    from dashboard.auth import csrf_token, signed_in_name

    name = signed_in_name()
    if not name:
        return None
    t = translator(lang)
    from dashboard.context import request_store

    with request_store() as store:
        role = store.viewer.role
    return html.Form(
        [
            html.Span(t("signin.signed_in", name=name, role=t(f"role.{role}")), className="pm-user"),
            dcc.Input(type="hidden", name="csrf", value=csrf_token()),
            html.Button(t("signin.sign_out"), type="submit", className="pm-button pm-signout"),
        ],
        action="/logout",
        method="POST",
        className="pm-account",
    )


def demo_banner(lang: str, store: Store, pledge_id: str | None = None) -> html.Div | None:
    """The demo-data label, when the layers hold generated records; it says how many when real ones sit beside them."""
    demo, total = sum(store.counts(pledge_id, demo_only=True).values()), sum(store.counts(pledge_id).values())
    if not demo:
        return None
    t = translator(lang)
    text = t("demo.banner") if demo == total else t("demo.banner_mixed", demo=demo, total=total)
    return html.Div(text, className="pm-demo-banner", role="note", id="demo-banner")


def alert(lang: str, message: str | Exception) -> html.Div:
    """The single way the interface shows an error from the domain (a refusal by role in the page's language)."""
    t = translator(lang)
    if isinstance(message, AccessError):
        message = t("access.refused")
    return html.Div([html.Strong(t("error.title") + ": "), html.Span(str(message))], className="pm-alert", role="alert")


def error_page(lang: str, path: str, error: Exception, query: str = "") -> html.Div:
    """A page that could not be built: the header, and the domain's error as the one kind of alert."""
    return html.Div([header(lang, path, query), html.Main(alert(lang, error), id="main")], className="pm-page")


def progress_cards(lang: str, pledge: Pledge, progress: list[PromiseProgress]) -> list[html.Article]:
    """One card per promise: what was promised, by whom, how much is delivered against the target and the time passed."""
    t = translator(lang)
    cards = []
    for p in progress:
        parties = ", ".join(pledge.partner(x).short_name or pledge.partner(x).name for x in p.promise.parties)
        if p.target:
            figure = t("progress.of", delivered=p.delivered, target=p.target)
            share = min(1.0, p.delivered / p.target)
            bar = html.Div(
                className="pm-bar",
                role="img",
                **{
                    "aria-label": t(
                        "progress.bar_label",
                        delivered=p.delivered,
                        target=p.target,
                        elapsed=round(100 * p.elapsed_share),
                    )
                },
                children=[
                    html.Div(className=f"pm-bar-fill pm-status-bg-{p.status}", style={"width": f"{100 * share:.0f}%"}),
                    html.Div(className="pm-bar-time", style={"left": f"{100 * p.elapsed_share:.0f}%"}),
                ],
            )
        else:
            figure, bar = t("progress.count", delivered=p.delivered), None
        cards.append(
            html.Article(
                className="pm-progress-card",
                id=f"card-{p.promise.id}",
                children=[
                    html.P(t(f"promise_kind.{p.promise.kind}"), className="pm-card-kind"),
                    html.P(p.promise.text, className="pm-promise-text"),
                    html.P([html.Span(f"{t('pledge.responsible')}: {parties}", className="pm-parties")]),
                    html.P(
                        [
                            html.Span(figure, className="pm-progress-figure"),
                            " ",
                            html.Span(t(f"progress.status.{p.status}"), className=f"pm-status pm-status-{p.status}"),
                        ]
                    ),
                    bar,
                ],
            )
        )
    return cards


def remember_view(query_store_id: str) -> None:
    """Keep the address bar (and the page and language links) in step with a page's query store.

    The page's server callback writes its view state as a query string into
    the store; ``assets/pledgemap.js`` puts it into the address without a
    reload, so a copied link reopens the same view.
    """
    clientside_callback(ClientsideFunction("pledgemap", "remember_view"), Input(query_store_id, "data"))


def pledge_picker(component_id: str, pledges: list[Pledge], value: str, legend: str) -> html.Fieldset:
    """The pledge choice as radio buttons: native inputs a keyboard and a screen reader handle as they are."""
    return html.Fieldset(
        [
            html.Legend(legend),
            dcc.RadioItems(
                id=component_id,
                value=value,
                className="pm-radios",
                options=[{"label": p.title, "value": p.id} for p in pledges],
            ),
        ],
        className="pm-pledge-picker",
    )


def short_text(text: str, limit: int = 70) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" where it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def promise_label(promise: Promise, t) -> str:
    """ "Kind – text", or the text alone where it says no more than its kind ("Information till föräldrar")."""
    kind = t(f"promise_kind.{promise.kind}")
    text = short_text(promise.text)
    return text if text.lower().startswith(kind.lower()) else f"{kind} – {text}"
