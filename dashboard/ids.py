"""Every component id of the pages and forms, defined once: pages, shared forms and tests import them here.

A form shown on a page (the edit and workflow forms on the layers page) reads the page's ids from here
rather than retyping them; tests find components by the same names.
"""


class Overview:
    """The overview page (/)."""

    title = "ov-title"
    pledge = "ov-pledge"
    promise = "ov-promise"
    start = "ov-start"
    end = "ov-end"
    period = "ov-period"  # the public periods, for the layers the role sees only counted
    layers = "ov-layers"
    categories = "ov-categories"
    sources = "ov-sources"
    statuses = "ov-statuses"
    safeties = "ov-safeties"  # unsafe places, safe places or both
    basemap = "ov-basemap"
    basemap_box = "ov-basemap-box"
    basemap_note = "ov-basemap-note"
    tiles = "ov-tiles"
    map = "ov-map"
    map_table = "ov-map-table"  # the map's table alternative
    width = "ov-width"  # the map's size in the browser ({width, height}), for the figures to fit it
    timeline = "ov-timeline"
    timeline_table = "ov-timeline-table"
    timeline_note = "ov-timeline-note"
    cards = "ov-cards"
    summary = "ov-followup-summary"  # the pledge's status summary bar above the cards
    goals = "ov-goals"
    details = "ov-details"
    selection = "ov-selection"
    query = "ov-query"
    map_follows = "ov-map-follows-view"
    map_drawn = "ov-map-drawn"  # the view whose figure the map holds (what it is drawn from, besides moves)
    lang = "ov-lang"
    reset_time = "ov-reset-time"
    export_format = "ov-export-format"
    export = "ov-export"
    download = "ov-download"
    export_error = "ov-export-error"


class Regional:
    """Every pledge of a scope at a glance (/alla, and the landing page of a store with many pledges)."""

    scope = "rg-scope"
    scope_shown = "rg-scope-shown"  # the chosen scope scrolled into its box's view (a clientside callback's output)
    year = "rg-year"
    themes = "rg-themes"
    search = "rg-search"
    alert = "rg-alert"  # an address naming an unknown scope: said, and the country shown
    heading = "rg-heading"
    summary = "rg-summary"
    map = "rg-map"  # the municipalities coloured by their pledge's state
    map_help = "rg-map-help"
    map_legend = "rg-map-legend"  # the states' colours and words, under the map
    table = "rg-table"  # the pledges as a table: the map's table alternative and its keyboard route
    grid = "rg-grid"  # every report of the scope, counted per cell at the zoom
    grid_note = "rg-grid-note"  # the grid map's totals in words
    grid_drawn = "rg-grid-drawn"  # the view whose figure the grid map holds (a move redraws only its cells)
    width = "rg-width"  # the maps' size in the browser, for the figures to fit the scope to it
    view = "rg-view"
    map_view = "rg-map-view"  # the part of the view the maps draw (scope, year, themes): a sort leaves it alone
    export_format = "rg-export-format"
    export = "rg-export"
    export_error = "rg-export-error"
    download = "rg-download"
    query = "rg-query"
    lang = "rg-lang"
    prefix = "rg"


class Layers:
    """The layers page (/layers)."""

    pledge = "ly-pledge"
    layer = "ly-layer"
    search = "ly-search"
    table = "ly-table"
    map = "ly-map"
    map_table = "ly-map-table"  # the map's table alternative
    details = "ly-details"
    view = "ly-view"
    query = "ly-query"
    lang = "ly-lang"
    tiles = "ly-tiles"
    tiles_ok = "ly-tiles-ok"
    click = "ly-click"  # the last click on the map's background
    clicks_ready = "ly-clicks-ready"
    new = "ly-new"
    prefix = "ly"
    notice = "ly-notice"  # what a save or a move did, said where the map is


class Sites:
    """The sites worklist (/sites)."""

    pledge = "st-pledge"
    owners = "st-owners"
    types = "st-types"
    statuses = "st-statuses"
    due = "st-due"
    overdue = "st-overdue"
    table = "st-table"
    query = "st-query"
    lang = "st-lang"
    download_format = "st-download-format"
    download = "st-download"
    file = "st-file"
    view = "st-view"  # the worklist's state: filters, sort, page, the chosen site, the saves
    prefix = "st"  # the table's sort, row and pager buttons: "st-sort", "st-row", "st-prev", "st-next"
    filters = "st-filters"  # the filters' fold (closed at first on a phone)
    panel = "st-panel"  # the chosen site's details and workflow
    details = "st-details"
    shown = "st-shown"  # which site (and after how many saves) the details were drawn for
    notice = "st-notice"
    scrolled = "st-scrolled"


class Importer:
    """The import page (/import)."""

    upload = "im-upload"
    file = "im-file"
    token = "im-token"
    layer = "im-layer"
    pledge = "im-pledge"
    promise = "im-promise"
    dry_run = "im-dry-run"
    report = "im-report"
    commit_valid = "im-commit-valid"
    commit_all = "im-commit-all"
    result = "im-result"
    rejects = "im-rejects"
    lang = "im-lang"
    answers = "im-answers"  # the answers given so far, kept while the questions re-render
    answer = "im-answer"  # pattern: {"type": answer, "field": ..., "text": ...}
    fill = "im-fill"  # pattern: {"type": fill, "field": ...}: one value for a field the file leaves empty
    column = "im-column"  # pattern: {"type": column, "field": ...}
    personal = "im-personal"  # pattern: {"type": personal, "row": "*" or a row number}: mask, keep or reject
    text = "im-pledge-text"
    parse = "im-parse"
    draft = "im-draft"
    draft_download = "im-draft-download"
    draft_yaml = "im-draft-yaml"
    save_pledge = "im-save-pledge"
    saved = "im-saved"


class Surveys:
    """The safety-survey page (/surveys): import results, see the indicators, link a goal to one."""

    lang = "sv-lang"
    upload = "sv-upload"
    file = "sv-file"
    token = "sv-token"
    municipality = "sv-municipality"
    other_municipality = "sv-other-municipality"
    kind = "sv-kind"
    scale_min = "sv-scale-min"
    scale_max = "sv-scale-max"
    better = "sv-better"
    measures = "sv-measures"
    source = "sv-source"
    dry_run = "sv-dry-run"
    report = "sv-report"
    replace = "sv-replace"
    commit = "sv-commit"
    result = "sv-result"
    indicators = "sv-indicators"
    pledge = "sv-pledge"
    goals = "sv-goals"
    # pattern ids {"type": ..., "goal": goal id}: one goal's link
    goal_indicator = "sv-goal-indicator"
    goal_better = "sv-goal-better"
    goal_baseline = "sv-goal-baseline"
    goal_categories = "sv-goal-categories"
    goal_save = "sv-goal-save"
    goal_saved = "sv-goal-saved"
    goal_form = "sv-goal-form"  # the language the goal's form was drawn in


class DraftForm:
    """The review form of a pasted pledge text's draft, on the import page."""

    doc = "df-doc"  # the draft pledge document under review
    cursor = "df-cursor"  # where the split button found the cursor: {i, at}
    field = "df-field"  # pattern: {"type": field, "path": "promises.2.kind"}
    action = "df-action"  # pattern: {"type": action, "op": "up" | "down" | "merge" | "delete" | "add" | ..., "i": n}
    split = "df-split"  # pattern: {"type": split, "i": n}
    replace = "df-replace"  # pattern: {"type": replace, "id": pledge id}: the confirmation that replaces it
    promise = "df-promise"
    download = "df-download"
    notice = "df-notice"  # what the last action did, said to a screen reader
    focus = "df-focus"  # the element to focus once the form is drawn again


class NextPledge:
    """The page that starts next year's pledge from this one (/pledge/next); its draft is reviewed in
    :class:`DraftForm`, with the import page's draft ids (:class:`Importer`) around it."""

    pledge = "np-pledge"  # the pledge it starts from
    decision = "np-decision"  # pattern: {"type": decision, "promise": promise id}: "carry" | "drop"
    reason = "np-reason"  # pattern: {"type": reason, "promise": promise id}
    year = "np-year"
    create = "np-create"
    problems = "np-problems"
    link = "np-link"  # the pledge page's link here
    situation = "np-situation"  # the check box: take the lägesbild's action plan as new promises


class Analysis:
    """The analysis page (/analysis)."""

    pledge = "an-pledge"
    lang = "an-lang"
    start = "an-start"
    end = "an-end"
    categories = "an-categories"
    mode = "an-mode"
    cell = "an-cell"
    rings = "an-rings"
    permutations = "an-permutations"
    fdr = "an-fdr"
    map = "an-map"
    map_table = "an-map-table"
    zoom = "an-zoom"
    findings = "an-findings"
    breakdown = "an-breakdown"
    target = "an-target"
    operation = "an-operation"
    promise = "an-promise"
    date = "an-date"
    days = "an-days"
    buffer = "an-buffer"
    run = "an-run"
    effect = "an-effect"
    effect_map = "an-effect-map"
    drawn = "an-drawn"
    goals = "an-goals"


class FollowUp:
    """The pledge page's follow-up section and its judging forms (pattern ids: one form per promise and goal)."""

    section = "fu-section"  # the html.Section of the follow-up on the pledge page
    summary = "fu-summary"  # the status summary bar (also on the overview: Overview.summary)
    shown = "fu-shown"  # {"pledge", "period", "lang"}: the period the section shows, for redrawing its summary
    subject = "fu-subject"  # pattern: {"type": subject, "subject": "promise"|"goal", "id": ...}: one item's statuses
    period = "fu-period"  # pattern, as subject: the form's period
    status = "fu-status"  # pattern: the form's status radios
    text = "fu-text"  # pattern: the form's "how it went"
    hint = "fu-hint"  # pattern: what the figures propose for the form's period
    form = "fu-form"  # pattern: {"pledge", "subject", "subject_id", "versions": {period: version}, "lang"}
    save = "fu-save"  # pattern
    result = "fu-result"  # pattern: the save's alert or notice
    cadence = "fu-cadence"  # how often the pledge is followed up (for those who may change the pledge)
    cadence_save = "fu-cadence-save"
    cadence_result = "fu-cadence-result"


class Situation:
    """The lägesbild page (/lagesbild): the kartläggning drafted from the data, the sections people write."""

    lang = "lb-lang"
    query = "lb-query"  # the view as a query string, for the address bar
    municipality = "lb-municipality"
    year = "lb-year"
    content = "lb-content"
    doc = "lb-doc"  # the report being written, as plain data, with the version it started from
    editor = "lb-editor"
    field = "lb-field"  # {"type": field, "path": "problems.0.text"}
    action = "lb-action"  # {"type": action, "op": "up", "i": 0}
    notice = "lb-notice"
    focus = "lb-focus"
    save = "lb-save"
    saved = "lb-saved"
    history = "lb-history"
    export_format = "lb-export-format"
    export = "lb-export"
    download = "lb-download"


class EditForm:
    """The record editing form in a record's details (layers page)."""

    form = "ed-form"
    field = "ed-field"  # pattern: {"type": field, "name": ...}
    record = "ed-record"  # {"layer", "id", "version"}
    save = "ed-save"
    delete_confirm = "ed-delete-confirm"
    delete = "ed-delete"
    result = "ed-result"
    move = "ed-move"
    personal = "ed-personal"  # pattern: {"type": personal, "choice": "mask" | "keep"}: the save's warning's buttons


class WorkflowForm:
    """The inspection workflow form on a site's details."""

    step = "wf-step"
    fields = "wf-fields"
    save = "wf-save"
    result = "wf-result"
    site = "wf-site"  # {"id": ..., "version": ...}
    field = "wf-field"  # pattern: {"type": field, "name": ...}
    saved = "wf-saved"  # bumped after a saved step, so the page redraws the site
    personal = "wf-personal"  # pattern: {"type": personal, "choice": ...}: mask or keep the step's text


class SitesWorkflowForm:
    """The inspection workflow form on the sites page's details (its own ids: both pages' callbacks are registered)."""

    step = "st-wf-step"
    fields = "st-wf-fields"
    save = "st-wf-save"
    result = "st-wf-result"
    site = "st-wf-site"
    field = "st-wf-field"
    personal = "st-wf-personal"
