"""Pieces every page shares: the header with navigation, the demo-data banner, progress cards and the one kind of alert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

import dash
from dash import ClientsideFunction, Input, clientside_callback, dcc, html

from dashboard.components.pledge_choice import municipality_search, pledge_search
from dashboard.components.statement import footer
from dashboard.i18n import progress_figure, translator
from geodata import AccessError, Pledge, PledgemapError, Promise, PromiseProgress, Store, StoreError
from geodata.access import Viewer, may_use_page
from geodata.views.demo import demo_share
from geodata.views.pledges import default_pledge, needs_search

# The pages in the order the navigation shows them: (path, page name). The name is the page's in
# geodata.access.PAGE_ROLES (who may use it) and its label's catalogue key is "nav.<name>".
NAVIGATION = (
    ("/", "overview"),
    ("/alla", "regional"),
    ("/pledge", "pledge"),
    ("/layers", "layers"),
    ("/sites", "sites"),
    ("/analysis", "analysis"),
    ("/lagesbild", "situation"),
    ("/import", "import"),
    ("/surveys", "surveys"),
)
PAGE_NAMES = dict(NAVIGATION)


def request_viewer() -> Viewer | None:
    """Who the current request is from (the signed-in account's role); None when the store does not open
    (then every page shows the store's error, and no page has anything to withhold)."""
    from dashboard.context import request_store

    try:
        with request_store() as store:
            return store.viewer  # type: ignore[attr-defined]  # request_store always gives a GuardedStore
    except PledgemapError:
        return None


def may_use(viewer: Viewer | None, name: str) -> bool:
    return viewer is None or may_use_page(viewer, name)


def page_allowed(path: str) -> bool:
    """Whether the request's role may use the page at ``path`` (the rule is geodata.access.may_use_page)."""
    name = PAGE_NAMES.get(path)
    return name is None or may_use(request_viewer(), name)


def _with_lang(query: str, lang: str) -> str:
    params = dict(parse_qsl(query, keep_blank_values=True))
    params["lang"] = lang
    return urlencode(params, safe=",")


def nav_href(target: str, keep: str) -> str:
    """A menu link keeping ``keep`` (the view's pledge and language). The overview's link always names a pledge
    (``pledge=`` empty for the newest): a store with many pledges lands on all of them at a bare ``/``, and the
    menu's Översikt must still open a pledge's overview."""
    params = dict(parse_qsl(keep, keep_blank_values=True))
    if target == "/" and "pledge" not in params:
        params = {"pledge": "", **params}
    query = urlencode(params, safe=",")
    return f"{target}?{query}" if query else target


def header(lang: str, path: str = "/", query: str = "") -> html.Header:
    """Title, navigation between pages (keeping the view's query) and the language switch."""
    t = translator(lang)
    other = t("app.other_language_code")
    registered = {page["path"] for page in dash.page_registry.values()}
    keep = _with_lang(query, lang) if lang != "sv" else query
    viewer = request_viewer()
    links = [
        html.Li(
            html.A(
                t(f"nav.{name}"),
                href=nav_href(target, keep),
                **({"aria-current": "page", "className": "pm-nav-current"} if target == path else {}),
            )
        )
        for target, name in NAVIGATION
        if target in registered and may_use(viewer, name)  # only the pages this role may use
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


def demo_banner(
    lang: str, store: Store, pledge_id: str | None = None, pledges: list[Pledge] | None = None
) -> html.Div | None:
    """The demo-data label, when the layers hold generated records; it says how many when real ones sit beside them
    (``pledges``: the store's, when the page has read them)."""
    share = demo_share(store, pledge_id, pledges)
    if not share.demo and not share.demo_pledges:
        return None
    t = translator(lang)
    if not share.demo:
        records = t("demo.prefix")
    elif share.all_demo:
        records = t("demo.banner")
    else:
        records = t("demo.banner_mixed", demo=share.demo, total=share.total)
    if not share.demo_pledges:
        pledges = t("demo.pledges_published")
    elif share.demo_pledges == share.pledges:
        pledges = t("demo.pledges_invented")
    else:
        pledges = t("demo.pledges_some_invented", demo=share.demo_pledges, total=share.pledges)
    return html.Div(f"{records} {pledges}", className="pm-demo-banner", role="note", id="demo-banner")


def alert(lang: str, message: str | Exception, title: str | None = None) -> html.Div:
    """The single way the interface shows an error from the domain (a refusal by role in the page's language).

    ``title`` says what did not happen ("Steget sparades inte") where that is known; "Något gick fel" otherwise.
    """
    t = translator(lang)
    if isinstance(message, AccessError):
        message = t("access.refused")
    elif isinstance(message, StoreError) and message.code:
        message = t(f"store_error.{message.code}")  # busy, disk full, read-only: nothing was written
    heading = title or t("error.title")
    return html.Div([html.Strong(heading + ": "), html.Span(str(message))], className="pm-alert", role="alert")


def page(lang: str, path: str, body: list, query: str = "") -> html.Div:
    """A page: the header (its links keeping ``query``), ``body`` as the main region (parts that are None left out), the footer.

    A page the request's role may not use is the plain refusal instead (:func:`not_for_role_page`).
    """
    if not page_allowed(path):
        return not_for_role_page(lang, path, query)
    return html.Div(
        [
            header(lang, path, query),
            html.Main([b for b in body if b is not None], id="main", lang=lang),
            footer(lang),
        ],
        className="pm-page",
    )


def not_for_role_page(lang: str, path: str, query: str = "") -> html.Div:
    """A page the role may not use: said plainly in the user's language, with the pages it may use as the way on."""
    t = translator(lang)
    viewer = request_viewer()
    keep = _with_lang(query, lang) if lang != "sv" else query
    ways = [
        html.Li(html.A(t(f"nav.{name}"), href=f"{target}?{keep}" if keep else target))
        for target, name in NAVIGATION
        if may_use(viewer, name)
    ]
    main = html.Main(
        [
            html.H1(t("access.page_heading", page=t(f"nav.{PAGE_NAMES[path]}"))),
            html.P(t("access.page_not_for_role", role=t(f"role.{viewer.role if viewer else 'public'}"))),
            html.P(t("access.page_way_on")),
            html.Ul(ways, className="pm-way-on"),
            html.P(t("access.page_ask")),
        ],
        id="main",
        lang=lang,
    )
    return html.Div([header(lang, path, query), main, footer(lang)], className="pm-page")


def error_page(lang: str, path: str, error: Exception, query: str = "") -> html.Div:
    """A page that could not be built: the header, and the domain's error as the one kind of alert."""
    return html.Div(
        [header(lang, path, query), html.Main(alert(lang, error), id="main"), footer(lang)], className="pm-page"
    )


def no_pledges_page(lang: str, path: str, query: str = "") -> html.Div:
    """A page about a pledge when the store holds none yet."""
    main = html.Main(html.P(translator(lang)("overview.none")), id="main")
    return html.Div([header(lang, path, query), main, footer(lang)], className="pm-page")


class PageStart(NamedTuple):
    """What a page about one pledge reads first."""

    pledges: list[Pledge]
    pledge: Pledge  # the one asked for, else the newest
    banner: html.Div | None
    more: Any = None  # what the page's own ``read`` returned


def start_page(
    lang: str,
    path: str,
    wanted: str | None,
    *,
    query: str = "",
    banner_of_pledge: bool = False,
    read: Callable[[Store, Pledge], Any] | None = None,
) -> PageStart | html.Div:
    """The pledges, the one ``wanted`` (else the newest), the demo banner and what ``read`` reads, in one store session.

    Where there is nothing to show, the finished page instead: the domain's error as the one
    kind of alert, or the text that the store holds no pledge yet. The banner counts the
    chosen pledge's records with ``banner_of_pledge``, else every record.
    """
    from dashboard.context import request_store

    if not page_allowed(path):  # before reading anything the page would read
        return not_for_role_page(lang, path, query)
    try:
        with request_store() as store:
            pledges = store.list_pledges()
            pledge = default_pledge(pledges, wanted)
            if pledge is None:
                return no_pledges_page(lang, path, query)
            banner = demo_banner(lang, store, pledge.id if banner_of_pledge else None, pledges)
            more = read(store, pledge) if read is not None else None
    except PledgemapError as exc:
        return error_page(lang, path, exc, query)
    return PageStart(pledges, pledge, banner, more)


def progress_cards(
    lang: str, pledge: Pledge, progress: list[PromiseProgress], more: dict[str, list] | None = None
) -> list[html.Article]:
    """One card per promise: what was promised, by whom, how much is delivered against the target and the time passed.

    ``more`` adds components to a promise's card, by promise id (the follow-up's latest judgement and trend,
    :func:`dashboard.components.followup.card_parts`).
    """
    t = translator(lang)
    cards = []
    for p in progress:
        parties = ", ".join(pledge.partner(x).short_name or pledge.partner(x).name for x in p.promise.parties)
        figure = progress_figure(p, t, lang)
        if p.target:
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
            bar = None
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
                    html.P(outside_period_text(t, p.outside_period), className="pm-help pm-outside-period")
                    if p.outside_period
                    else None,
                    *(more or {}).get(p.promise.id, []),
                ],
            )
        )
    return cards


def outside_period_text(t, count: int) -> str:
    """ "1 registrering utanför löftets period räknas inte": evidence linked to a promise but dated outside it."""
    # "1 registrering", "2 registreringar": the catalogue's count words choose.
    return t("progress.outside_period", count=count)


def remember_view(query_store_id: str) -> None:
    """Keep the address bar (and the page and language links) in step with a page's query store.

    The page's server callback writes its view state as a query string into
    the store; ``assets/pledgemap.js`` puts it into the address without a
    reload, so a copied link reopens the same view.
    """
    clientside_callback(ClientsideFunction("pledgemap", "remember_view"), Input(query_store_id, "data"))


def radio_group(
    component_id: Any,
    legend: str,
    options: list[dict],
    value: Any = None,
    *,
    inline: bool = False,
    boxed: bool = True,
    radios_class: str = "pm-radios",
) -> html.Fieldset:
    """One choice as radio buttons under a legend: native inputs a keyboard and a screen reader handle as they are.

    ``inline`` lays the buttons out in a row; ``boxed`` frames the group as the pledge choice is framed.
    """
    radios = dcc.RadioItems(
        id=component_id, value=value, options=options, className=radios_class + (" pm-inline" if inline else "")
    )
    return html.Fieldset([html.Legend(legend), radios], **({"className": "pm-pledge-picker"} if boxed else {}))


def check_group(
    component_id: str, legend: str, options: list[dict], value, *, inline: bool = False, disabled: bool = False
) -> html.Fieldset:
    """Several choices as check boxes under a legend."""
    checks = dcc.Checklist(
        id=component_id,
        options=options,
        value=list(value),
        className="pm-checks" + (" pm-inline" if inline else ""),
    )
    return html.Fieldset([html.Legend(legend), checks], disabled=disabled)


def date_range(t, legend: str, start_id: str, end_id: str, start: str | None = None, end: str | None = None) -> list:
    """The legend and the from and to dates of a time filter (the children of its fieldset)."""
    return [
        html.Legend(legend),
        html.Div(
            className="pm-dates",
            children=[
                html.Label([t("filters.from"), date_input(start_id, start)]),
                html.Label([t("filters.to"), date_input(end_id, end)]),
            ],
        ),
    ]


def date_input(component_id: Any, value: str | None = None, **props: Any) -> dcc.Input:
    """A native date field (the browser's own picker and keyboard entry), for every date the app asks for.

    Never debounced: Dash 4's ``dcc.Input`` puts the caret back with
    ``setSelectionRange`` after each keystroke of a debounced field, and a
    date field does not support selection, so the browser throws at every
    digit typed. Nor does it need it: its value stays empty until day, month
    and year are all given, and then it is a whole date.
    """
    if props.pop("debounce", False):
        raise ValueError("a date field cannot be debounced (Dash's Input would call setSelectionRange on it)")
    return dcc.Input(id=component_id, type="date", value=value, debounce=False, **props)


def pledge_picker(
    component_id: str, pledges: list[Pledge], value: str, legend: str, lang: str, none: str | None = None
) -> html.Fieldset:
    """The pledge choice: radio buttons for a handful of pledges; for more, a search by municipality over the
    pledges grouped by police region (:func:`dashboard.components.pledge_choice.pledge_search`). Either way the
    component ``component_id`` holds the chosen pledge's id in its ``value``; ``none`` labels a first choice of
    no pledge (the value ``""``)."""
    if needs_search(pledges):
        return pledge_search(component_id, pledges, value, legend, lang, none)
    first = [{"label": none, "value": ""}] if none is not None else []
    return radio_group(component_id, legend, first + [{"label": p.title, "value": p.id} for p in pledges], value)


def municipality_picker(
    component_id: str,
    municipalities: list[tuple[str, str]],
    value: str,
    legend: str,
    lang: str,
    *,
    before: list[dict] | None = None,
    after: list[dict] | None = None,
    row: bool = False,
) -> html.Fieldset:
    """The choice of a municipality, as (code, name), each reading "Name (code)": radio buttons for a handful
    (in a row and unframed with ``row``); for more, the pledge picker's search grouped by police region.
    ``value`` is the code; ``before`` and ``after`` are other choices (options) around the municipalities."""
    before, after = before or [], after or []
    if needs_search(municipalities):
        return municipality_search(component_id, municipalities, value, legend, lang, before, after)
    options = before + [{"label": f"{name} ({code})", "value": code} for code, name in municipalities] + after
    return radio_group(component_id, legend, options, value, inline=row, boxed=not row)


def short_text(text: str, limit: int = 70) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" where it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def promise_label(promise: Promise, t) -> str:
    """ "Kind – text", or the text alone where it says no more than its kind ("Information till föräldrar")."""
    kind = t(f"promise_kind.{promise.kind}")
    text = short_text(promise.text)
    return text if text.lower().startswith(kind.lower()) else f"{kind} – {text}"
