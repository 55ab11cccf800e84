"""The one table of who may see and change what: roles, the viewer, and the checks every read and write passes.

Roles (see :mod:`geodata.access.accounts`):

- **admin**: everything, and alone what keeps the system (accounts, settings, restoring deleted records,
  marking records as demo data).
- **police**: every record of every layer, internal operations included; writes every layer, linked only to
  pledges the police signed.
- **municipality**: every record except internal operations, which it sees
  only as counts per area and month (the public aggregation); writes the unsafe places and the sites, linked
  only to pledges the municipality signed, and may bring in sites already some way through the inspection.
- **housing_company**: the inventoried sites its organisation owns, in full
  and editable, linked only to the promises its organisation is responsible for; everything else as the
  public sees it.
- **public**: the public, aggregated view only (:mod:`geodata.views.public`); no records.

Tools that are given the store file itself (the command line) act as :data:`LOCAL_ADMIN`.

:data:`ACTIONS` says, once, which role may do what and over which records or pledges (its *scope*):

=======================  =======  =======  ============  ===============  =======
action                   admin    police   municipality  housing_company  public
=======================  =======  =======  ============  ===============  =======
read:unsafe_places       all      all      all           –                –
read:inventoried_sites   all      all      all           own              –
read:operations          all      all      public        –                –
write:unsafe_places      all      all      all           –                –
write:inventoried_sites  all      all      all           own              –
write:operations         all      all      –             –                –
link                     all      partner  partner       own              –
set_status               all      –        all           –                –
mark_demo                all      –        –             –                –
change_pledge            all      all      all           –                –
judge_promise            all      own      own           own              –
judge_goal               all      partner  partner       –                –
documents                all      all      all           –                –
import_surveys           all      all      all           –                –
import_events            all      all      –             –                –
manage                   all      –        –             –                –
=======================  =======  =======  ============  ===============  =======

Scopes: **all** every record or pledge; **public** the records that are not internal; **partner** the pledges
the account's organisation is a partner of (:func:`responsible_partners`); **own** a housing company's own
sites (their ``owner`` is its organisation), and the promises its organisation is a party to (for a police or
municipality account judging, the promises of its own party). ``write:`` is creating, editing, deleting and
taking the workflow's steps; ``link`` is a record's promise (or pledge) link, checked on the record before and
after every write, since a linked record counts towards that pledge's published figures; ``set_status`` is
creating a site past the workflow's first state (an import of sites already inspected: allowed only with every
earlier step's fields, :func:`geodata.steps.step_gaps`; every other site starts at "flagged" and moves by the
steps of :data:`geodata.steps.NEXT_STEPS`, whoever writes it); ``mark_demo`` is setting or clearing a record's
(or a judgement's) ``demo`` flag; ``manage`` is accounts, settings, restoring deleted records, the whole audit
log and whole-store copies.

:func:`check_write` (every write of records), :func:`readable_query` (every read),
:func:`may_change_pledges`, :func:`check_judge` and the guarded store's other checks read this table.
Which of the dashboard's pages a role may use is :data:`PAGE_ROLES`, asked
through :func:`may_use_page` by the menu and by each page; what a page then
reads is still narrowed by :func:`readable_query` like every other read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from geodata.errors import PledgemapError, Problem, ValidationError
from geodata.layers import Field, get_layer
from geodata.steps import FIRST_STATUS, NEXT_STEPS, blocked_step, step_gaps
from geodata.store.base import LayerQuery
from geodata.validate import coerce, is_missing, record_label

PUBLIC = "public"
RECORD_ROLES = ("admin", "police", "municipality", "housing_company")
ALL_ROLES = (*RECORD_ROLES, PUBLIC)

# The dashboard's pages and the roles that may use them. A page works on records of its own (a table of
# records, the worklist, the hot spots of the unsafe places, an import that writes) or on the pledge and
# the public view (the overview, the pledge); a page not named here (a statement, help) is for everyone.
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "overview": ALL_ROLES,
    "regional": ALL_ROLES,  # every pledge of a scope: states and, for the public, report counts of at least 5
    "pledge": ALL_ROLES,
    "layers": RECORD_ROLES,
    "sites": RECORD_ROLES,
    "analysis": ("admin", "police", "municipality"),  # reads the unsafe places themselves
    "import": RECORD_ROLES,
    # Safety surveys: importing results and linking a pledge's goals to them (may_change_pledges' roles).
    "surveys": ("admin", "police", "municipality"),
    "situation": ("admin", "police", "municipality"),  # the lägesbild: DOCUMENT_ROLES, who read and write it
}


# Who may do what, over which records or pledges: see the module's docstring for the table and its scopes.
ALL, PUBLIC_RECORDS, PARTNER, OWN = "all", "public", "partner", "own"
ACTIONS: dict[str, dict[str, str]] = {
    "admin": {
        "read:unsafe_places": ALL,
        "read:inventoried_sites": ALL,
        "read:operations": ALL,
        "write:unsafe_places": ALL,
        "write:inventoried_sites": ALL,
        "write:operations": ALL,
        "link": ALL,
        "set_status": ALL,
        "mark_demo": ALL,
        "change_pledge": ALL,
        "judge_promise": ALL,
        "judge_goal": ALL,
        "documents": ALL,
        "import_surveys": ALL,
        "import_events": ALL,
        "manage": ALL,
    },
    "police": {
        "read:unsafe_places": ALL,
        "read:inventoried_sites": ALL,
        "read:operations": ALL,
        "write:unsafe_places": ALL,
        "write:inventoried_sites": ALL,
        "write:operations": ALL,
        "link": PARTNER,
        "change_pledge": ALL,
        "judge_promise": OWN,
        "judge_goal": PARTNER,
        "documents": ALL,
        "import_surveys": ALL,
        "import_events": ALL,
    },
    "municipality": {
        "read:unsafe_places": ALL,
        "read:inventoried_sites": ALL,
        "read:operations": PUBLIC_RECORDS,
        "write:unsafe_places": ALL,
        "write:inventoried_sites": ALL,
        "link": PARTNER,
        "set_status": ALL,
        "change_pledge": ALL,
        "judge_promise": OWN,
        "judge_goal": PARTNER,
        "documents": ALL,
        "import_surveys": ALL,
    },
    "housing_company": {
        "read:inventoried_sites": OWN,
        "write:inventoried_sites": OWN,
        "link": OWN,
        "judge_promise": OWN,
    },
    PUBLIC: {},
}


def scope(viewer: Viewer, action: str) -> str | None:
    """Over what ``viewer`` may take ``action`` (:data:`ACTIONS`): "all", "public", "partner", "own", or ``None``.

    >>> scope(Viewer("municipality"), "read:operations"), scope(Viewer("housing_company"), "mark_demo")
    ('public', None)
    """
    return ACTIONS.get(viewer.role, {}).get(action)


def roles_that(action: str) -> tuple[str, ...]:
    """The roles :data:`ACTIONS` allows ``action`` at all, in the order of :data:`ALL_ROLES`."""
    return tuple(role for role in ALL_ROLES if action in ACTIONS.get(role, {}))


class AccessError(PledgemapError, PermissionError):
    """A read or write the caller's role does not allow; nothing was read or changed."""


class WriteRefused(AccessError, ValidationError):
    """A write of records the role's business rules refuse, each problem naming the record, the field and what is
    allowed (a link to another pledge's promise, a skipped workflow step, a demo flag); nothing was written.

    Both an :class:`AccessError` (the role may not) and a :class:`~geodata.errors.ValidationError` (its problems
    are worded per field like any other refused value).
    """


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a role, and for a housing company the organisation its sites name as owner."""

    role: str
    username: str | None = None
    organisation: str | None = None

    @classmethod
    def of(cls, account) -> Viewer:
        return cls(account.role, account.username, account.organisation)

    @property
    def sees_internal(self) -> bool:
        return ACTIONS.get(self.role, {}).get("read:operations") == ALL


PUBLIC_VIEWER = Viewer("public")
LOCAL_ADMIN = Viewer("admin", "local")


def readable_query(
    layer: str, query: LayerQuery | None = None, include_internal: bool = False, viewer: Viewer | None = None
) -> LayerQuery:
    """``query`` narrowed to the records a caller may read; raises :class:`AccessError` if it may read none.

    Without a ``viewer``, internal operations are left out unless ``include_internal``.

    >>> readable_query("operations").values
    (('visibility', ('public',)),)
    >>> readable_query("inventoried_sites", viewer=Viewer("housing_company", "anna", "MBAB")).values
    (('owner', ('MBAB',)),)
    """
    query = query or LayerQuery()
    spec = get_layer(layer)
    if query.deleted and (viewer is None or scope(viewer, "manage") is None):
        raise AccessError("only an admin sees deleted records (to restore them)")
    if viewer is not None:
        if viewer.role not in RECORD_ROLES:
            raise AccessError(
                f"the {viewer.role} role sees the public, aggregated view only; records of "
                f"{spec.name} are not shown to it"
            )
        reads = scope(viewer, f"read:{spec.name}")
        if reads is None:
            raise AccessError(f"the {viewer.role} role sees {spec.name} only as the public, aggregated view")
        if reads == OWN:
            return _narrow(query, "owner", (viewer.organisation or "",))
        include_internal = reads == ALL
    if include_internal or "visibility" not in spec.field_names:
        return query
    return _narrow(query, "visibility", (PUBLIC,))


def reads_records(viewer: Viewer, layer: str) -> bool:
    """Whether ``viewer`` may read records of ``layer`` itself, or sees the layer only as the public aggregation.

    >>> reads_records(Viewer("public"), "unsafe_places"), reads_records(Viewer("housing_company"), "operations")
    (False, False)
    >>> reads_records(Viewer("municipality"), "operations")
    True
    """
    try:
        readable_query(layer, viewer=viewer)
    except AccessError:
        return False
    return True


# Pledges are public documents; police and municipality sign them, admins keep them: only they change one.
PLEDGE_EDITORS = roles_that("change_pledge")


def may_change_pledges(viewer: Viewer) -> bool:
    """Whether ``viewer`` may save, replace or change a pledge.

    >>> may_change_pledges(Viewer("municipality", "kim")), may_change_pledges(Viewer("housing_company", "h", "MBAB"))
    (True, False)
    """
    return scope(viewer, "change_pledge") is not None


def responsible_partners(viewer: Viewer, pledge: Any) -> tuple[str, ...]:
    """The ids of ``pledge``'s partners that ``viewer`` speaks for: every partner for an admin; the police's for
    the police and the municipality's for a municipality (where the account names its organisation, only when it
    is that partner, or the pledge's municipality or police area: a store of many pledges); for a housing
    company, the partner its organisation is (by id, name or short name, case aside).

    >>> from geodata.shipped import shipped_pledges
    >>> mark = next(p for p in shipped_pledges() if p.id == "mark-2021")
    >>> responsible_partners(Viewer("housing_company", "h", "mbab"), mark), responsible_partners(Viewer("police"), mark)
    (('mbab',), ('polisen',))
    >>> responsible_partners(Viewer("municipality", "k", "Mark"), mark), responsible_partners(Viewer("municipality", "k", "Mölndal"), mark)
    (('marks-kommun',), ())
    """
    if viewer.role == "admin":
        return tuple(p.id for p in pledge.partners)
    if viewer.role not in ("police", "municipality", "housing_company"):
        return ()
    ours = [p for p in pledge.partners if p.kind == viewer.role]
    if viewer.role == "housing_company" and not viewer.organisation:
        return ()
    if not viewer.organisation:  # an account of the one municipality (police area) a deployment serves
        return tuple(p.id for p in ours)
    own = viewer.organisation.casefold()
    # A police or municipality account of a store that holds many pledges names its organisation: the partner's
    # id, name or short name, or the pledge's municipality (a municipality) or police area (the police).
    area = pledge.municipality if viewer.role == "municipality" else pledge.police_area
    here = own in {n.casefold() for n in (area.name, area.code) if n}
    return tuple(p.id for p in ours if here or own in {n.casefold() for n in (p.id, p.name, p.short_name) if n})


def may_judge(viewer: Viewer, pledge: Any, subject: str, subject_id: str) -> bool:
    """Whether ``viewer`` may judge a promise or goal of ``pledge`` (see :func:`check_judge`)."""
    try:
        check_judge(viewer, pledge, subject, subject_id)
    except AccessError:
        return False
    return True


def check_judge(viewer: Viewer, pledge: Any, subject: str, subject_id: str) -> None:
    """Raise :class:`AccessError` unless ``viewer`` may judge ``subject_id`` of ``pledge``.

    A promise is judged by those responsible for it: an admin, or a role that speaks for one of the promise's
    parties (the police for the police's promises, a municipality for the municipality's, a housing company
    for its own). A goal is the pledge's as a whole: its signatories judge it (admin, police, municipality).

    >>> from geodata.shipped import shipped_pledges
    >>> mark = next(p for p in shipped_pledges() if p.id == "mark-2021")
    >>> may_judge(Viewer("housing_company", "h", "MBAB"), mark, "promise", "mark-2021-kallare-vindar")
    True
    >>> may_judge(Viewer("housing_company", "h", "MBAB"), mark, "promise", "mark-2021-riktade-insatser")
    False
    >>> may_judge(Viewer("municipality", "k"), mark, "goal", "okad-trygghet"), may_judge(PUBLIC_VIEWER, mark, "goal", "okad-trygghet")
    (True, False)
    """
    if subject == "goal":
        judges = scope(viewer, "judge_goal")
        if judges == ALL or (judges == PARTNER and responsible_partners(viewer, pledge)):
            return
        raise AccessError(f"the {viewer.role} role may judge the goals only of pledges its organisation signed")
    if scope(viewer, "judge_promise") == ALL:
        return
    try:
        parties = pledge.promise(subject_id).parties
    except KeyError:
        raise AccessError(f"pledge {pledge.id} has no promise {subject_id!r} to judge") from None
    if scope(viewer, "judge_promise") == OWN and set(parties) & set(responsible_partners(viewer, pledge)):
        return
    raise AccessError(
        f"the {viewer.role} role may judge only promises its organisation is responsible for; "
        f"{subject_id} is {', '.join(parties)}'s"
    )


# A lägesbild and its action plan hold the municipality's and the police's analysis: they read and write them.
DOCUMENT_ROLES = roles_that("documents")


def may_use_page(viewer: Viewer, page: str) -> bool:
    """Whether ``viewer``'s role may use the dashboard page named ``page`` (see :data:`PAGE_ROLES`).

    >>> may_use_page(Viewer("public"), "overview"), may_use_page(Viewer("public"), "sites")
    (True, False)
    >>> may_use_page(Viewer("housing_company", "hanna", "MBAB"), "analysis")
    False
    """
    return viewer.role in PAGE_ROLES.get(page, ALL_ROLES)


def check_import(viewer: Viewer, page: str = "import") -> None:
    """Raise :class:`AccessError` unless ``viewer`` may bring files in through ``page`` ("import": layer files and
    police events; "surveys": survey results): the one check before a file is uploaded, kept or read.

    >>> check_import(Viewer("municipality", "kim"))
    >>> check_import(Viewer("public", "pat"))
    Traceback (most recent call last):
    ...
    geodata.access.rules.AccessError: the public role may not import files
    """
    if not may_use_page(viewer, page):
        raise AccessError(f"the {viewer.role} role may not import files")


def _narrow(query: LayerQuery, field: str, allowed: tuple[str, ...]) -> LayerQuery:
    values = dict(query.values)
    asked = values.get(field, allowed)
    values[field] = tuple(v for v in asked if v in allowed)
    return replace(query, values=tuple(sorted(values.items())))


def may_link(viewer: Viewer, pledge: Any, promise: Any = None) -> bool:
    """Whether ``viewer`` may link a record to ``promise`` of ``pledge`` (or, without one, to ``pledge`` itself).

    >>> from geodata.shipped import shipped_pledges
    >>> mark = next(p for p in shipped_pledges() if p.id == "mark-2021")
    >>> mbab = Viewer("housing_company", "h", "MBAB")
    >>> may_link(mbab, mark, mark.promise("mark-2021-kallare-vindar")), may_link(mbab, mark, mark.promise("mark-2021-narvaro"))
    (True, False)
    >>> may_link(Viewer("municipality", "k", "Mölndal"), mark), may_link(Viewer("police", "p"), mark)
    (False, True)
    """
    links = scope(viewer, "link")
    if links == ALL:
        return True
    ours = responsible_partners(viewer, pledge)
    if links == OWN and promise is not None:
        return bool(set(promise.parties) & set(ours))
    return links in (OWN, PARTNER) and bool(ours)


def check_write(
    viewer: Viewer,
    layer: str,
    records: list[dict[str, Any]],
    *,
    before: list[dict[str, Any]] | None = None,
    pledges: Iterable[Any] | None = None,
) -> None:
    """Raise unless ``viewer`` may write every one of ``records`` (their new values) to ``layer``.

    ``before`` are the stored records an edit or a deletion starts from (one per record; none for new records);
    ``pledges`` the stored pledges, which the records' links are checked against (without them, links are not
    checked: a form asking whether it may be shown at all). A role that may not write the layer (or a housing
    company a site of another owner) gets :class:`AccessError`; a write the role's business rules refuse gets
    :class:`WriteRefused`, naming each record and field (:func:`write_problems`).
    """
    spec = get_layer(layer)
    role = viewer.role
    writes = scope(viewer, f"write:{spec.name}")
    if writes is None:
        raise AccessError(f"the {role} role may not change {spec.name}")
    if writes == OWN:
        foreign = [r for r in [*records, *(before or [])] if r.get("owner") != viewer.organisation]
        if foreign:
            raise AccessError(
                f"a housing company may change only sites whose owner is {viewer.organisation!r}; "
                f"{len(foreign)} record(s) name another owner"
            )
    problems = [p for found in write_problems(viewer, spec.name, records, before, pledges) for p in found]
    if problems:
        raise WriteRefused(problems)


def write_problems(
    viewer: Viewer,
    layer: str,
    records: list[dict[str, Any]],
    before: list[dict[str, Any]] | None = None,
    pledges: Iterable[Any] | None = None,
    labels: list[str] | None = None,
) -> list[list[Problem]]:
    """What the business rules refuse of each of ``records`` (see :func:`check_write`), one list per record.

    A link to a promise (or pledge) ``viewer`` may not write for (:func:`may_link`), before or after the write;
    a ``demo`` flag set or cleared by a role without ``mark_demo``; a site created past the workflow's first state
    without ``set_status`` or without every earlier step's fields, or edited to a status that is not the next
    step, or left lacking what a step recorded. An import's dry run asks it too, so refused rows are named there.
    """
    spec = get_layer(layer)
    by_link = _link_owners(spec, pledges)
    answer = []
    for position, after in enumerate(records):
        prior = before[position] if before is not None else None
        label = labels[position] if labels is not None else record_label(spec, position + 1, after)
        found: list[Problem] = []
        for version in (prior, after) if prior is not None else (after,):
            link = version.get(spec.link_field)
            problem = None if is_missing(link) else _link_problem(viewer, spec.link_field, label, link, by_link)
            if problem is not None and problem not in found:
                found.append(problem)
        if scope(viewer, "mark_demo") is None and _demo(after) != (_demo(prior) if prior is not None else False):
            found.append(
                Problem(
                    label,
                    "demo",
                    "only an admin marks a record as demo data or unmarks it; expected it left as it is",
                    "demo_admin_only",
                    {"value": _demo(prior) if prior is not None else False},
                )
            )
        if spec.name == "inventoried_sites":
            found.extend(_step_problems(viewer, label, after, prior))
        answer.append(found)
    return answer


def _link_owners(spec, pledges: Iterable[Any] | None) -> dict[str, tuple[Any, Any]] | None:
    """What each link value names: ``{id: (pledge, promise or None)}``; ``None`` when links are not checked."""
    if pledges is None:
        return None
    if spec.link_field == "pledge_id":
        return {p.id: (p, None) for p in pledges}
    return {promise.id: (p, promise) for p in pledges for promise in p.promises}


def _link_problem(viewer: Viewer, field: str, label: str, link: Any, by_link) -> Problem | None:
    if by_link is None or str(link) not in by_link:  # an unknown link is the validation's to name
        return None
    pledge, promise = by_link[str(link)]
    if may_link(viewer, pledge, promise):
        return None
    links = scope(viewer, "link")
    what = f"promise {link!r} of pledge {pledge.id}" if promise is not None else f"pledge {link!r}"
    if links == OWN:
        allowed = "a promise its organisation is responsible for"
    elif links == PARTNER:
        allowed = "a promise of a pledge its organisation signed"
    else:
        allowed = "no link"
    return Problem(
        label,
        field,
        f"links to {what}, which the {viewer.role} role may not write for; expected {allowed}",
        "link_not_own" if links == OWN else "link_not_partner" if links == PARTNER else "link_not_allowed",
        {"value": str(link), "pledge": pledge.title},
    )


def _demo(record: dict[str, Any]) -> bool:
    value = record.get("demo")
    if is_missing(value):
        return False
    try:
        return bool(coerce(Field("demo", "bool"), value))
    except ValueError:
        return bool(value)  # not a yes or no: the validation names it


def _step_problems(viewer: Viewer, label: str, after: dict[str, Any], prior: dict[str, Any] | None) -> list[Problem]:
    """A site's status and step fields, held to the workflow's order (:mod:`geodata.steps`) on every write."""
    status = after.get("status")
    if is_missing(status):
        return []  # a site without a status is the validation's to name
    if prior is None:
        if status == FIRST_STATUS:
            return []
        if scope(viewer, "set_status") is None:
            return [
                Problem(
                    label,
                    "status",
                    f"is {status!r}, but a new site starts at {FIRST_STATUS!r}; the {viewer.role} role moves it on "
                    "by the inspection workflow's steps",
                    "status_not_first",
                    {"status": status, "first": FIRST_STATUS},
                )
            ]
        gaps = step_gaps(after)
    else:
        current = str(prior.get("status"))
        if status != current:
            if status not in NEXT_STEPS.get(current, ()):
                allowed = NEXT_STEPS.get(current, ())
                return [
                    Problem(
                        label,
                        "status",
                        f"cannot go from {current!r} to {status!r}; expected {' or '.join(allowed) or 'nothing'}",
                        "wrong_step",
                        {"current": current, "allowed": allowed},
                    )
                ]
            blocking = blocked_step({**after, "status": current}, status)
            if blocking:
                return [
                    Problem(
                        label,
                        "status",
                        f"the inspection found critical issues ({', '.join(blocking)}); plan a measure before verifying",
                        "critical_open",
                        {"fields": blocking},
                    )
                ]
        had = set(step_gaps(prior))
        gaps = tuple(name for name in step_gaps(after) if name not in had)
    if not gaps:
        return []
    return [
        Problem(
            label,
            "status",
            f"is {status!r}, but the steps to it have not recorded {', '.join(gaps)}; expected every earlier "
            "step's fields",
            "step_fields_missing",
            {"status": status, "fields": gaps},
        )
    ]
