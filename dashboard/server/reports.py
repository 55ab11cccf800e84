"""Rapporter / reports: the follow-up report of a pledge as a download, behind the sign-in guard.

``/report/followup?pledge=ID&period=2024-T1&format=docx|pdf&lang=sv|en`` (period: default the latest that is
over; format: default docx; language: default Swedish) answers the file
:func:`dashboard.documents.followup.followup_file` builds from the request's guarded store
(:func:`dashboard.context.request_store`), so each role gets what the domain lets it read: the public its
variant (counts per hexagon at the minimum, no judgement texts or names) without asking for it. What stops the
report is said in the request's language as plain text: an unknown pledge is a 404, a period the pledge does
not have or an unknown format a 400.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import flask

from dashboard.components.report_links import PATH, READ_LOG_PATH, SITUATION_PATH
from dashboard.context import request_store
from dashboard.i18n import language, translator
from geodata import AccessError, NotFoundError, PledgemapError, ValidationError
from geodata.clock import today
from geodata.ogc import plausible_id

log = logging.getLogger(__name__)
# A year is four ASCII digits (str.isdigit also takes "²", which int() does not), a version a whole number.
YEAR = re.compile(r"[0-9]{4}")
VERSION = re.compile(r"[0-9]{1,9}")
# How much of an implausible id a refusal repeats.
ID_SHOWN = 80


def install(server: flask.Flask) -> None:
    server.add_url_rule(PATH, "report_followup", _followup, methods=["GET"])
    server.add_url_rule(SITUATION_PATH, "report_situation", _situation, methods=["GET"])
    server.add_url_rule(READ_LOG_PATH, "report_read_log", _read_log, methods=["GET"])


def _refusal(text: str, status: int) -> flask.Response:
    response = flask.Response(text, status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def _followup() -> flask.Response:
    from dashboard.documents.followup import FORMATS, followup_file

    args = flask.request.args
    lang = language(args.get("lang"))
    t = translator(lang)
    pledge_id, fmt, period = args.get("pledge", ""), args.get("format", "docx"), args.get("period") or None
    if fmt not in FORMATS:
        return _refusal(t("report.bad_format", value=fmt), 400)
    if not plausible_id(pledge_id):  # no pledge has it, and a database refuses a NUL in a query outright
        return _refusal(t("report.not_found", id=pledge_id[:ID_SHOWN]), 404)
    with request_store() as store:
        try:
            content, name, media_type = followup_file(store, pledge_id, fmt, lang, today(), period)
        except NotFoundError:
            return _refusal(t("report.not_found", id=pledge_id), 404)
        except ValidationError as exc:
            problem = exc.problems[0]
            log.info("follow-up report refused: %s", problem)
            choices = ", ".join(problem.params.get("choices", ()))
            return _refusal(t("report.bad_period", value=period, choices=choices), 400)
    response = flask.Response(content, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _situation() -> flask.Response:
    """``/report/situation?kommun=1463&year=2026&format=docx|pdf&lang=sv|en[&version=N]``: the lägesbild, for the
    roles that may read it (the others get the refusal, 403)."""
    from dashboard.documents.followup import FORMATS
    from dashboard.documents.situation import situation_file
    from geodata.model import KOMMUN_CODE

    args = flask.request.args
    lang = language(args.get("lang"))
    t = translator(lang)
    code, year, fmt, version = (
        args.get("kommun", ""),
        args.get("year", ""),
        args.get("format", "docx"),
        args.get("version"),
    )
    if fmt not in FORMATS:
        return _refusal(t("report.bad_format", value=fmt), 400)
    if not KOMMUN_CODE.match(code):
        return _refusal(t("situation.bad_municipality", value=code), 400)
    if not (YEAR.fullmatch(year) and 2000 <= int(year) <= 2100):
        return _refusal(t("situation.bad_year", value=year), 400)
    if version is not None and not VERSION.fullmatch(version):
        return _refusal(t("situation.no_version", version=version), 404)
    with request_store() as store:
        try:
            content, name, media_type = situation_file(
                store, code, int(year), fmt, lang, today(), int(version) if version else None
            )
        except AccessError:
            return _refusal(t("access.refused"), 403)
        except NotFoundError:
            if version:
                return _refusal(t("situation.no_version", version=version), 404)
            return _refusal(t("situation.bad_municipality", value=code), 404)
    response = flask.Response(content, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _read_log() -> flask.Response:
    """``/report/read-log?format=xlsx|csv&from=YYYY-MM-DD&to=YYYY-MM-DD&user=NAME&lang=sv|en``: the read log, for an
    admin only (any other role gets the refusal, 403), as ``pledgemap read-log export`` writes it."""
    import datetime as dt

    from dashboard.exports import read_log_file
    from geodata.access.readlog import day_range

    args = flask.request.args
    lang = language(args.get("lang"))
    t = translator(lang)
    fmt = args.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        return _refusal(t("readlog.bad_format", value=fmt[:ID_SHOWN]), 400)
    days = []
    for key in ("from", "to"):
        value = args.get(key) or None
        try:
            days.append(dt.date.fromisoformat(value) if value else None)
        except ValueError:
            return _refusal(t("readlog.bad_day", value=value[:ID_SHOWN] if value else ""), 400)
    with request_store() as store:
        try:
            entries = store.read_read_log(*day_range(days[0], days[1]), args.get("user") or None)
        except AccessError:
            return _refusal(t("access.refused"), 403)
        except PledgemapError:  # the last day before the first
            return _refusal(t("readlog.bad_day", value=f"{days[0]} – {days[1]}"), 400)
    content, name = read_log_file(entries, fmt, lang)
    media_type = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = flask.Response(content, mimetype=media_type)
    # The Swedish name ("läslogg.xlsx") as RFC 6266 spells a name beyond ASCII, an ASCII one for older clients.
    response.headers["Content-Disposition"] = f"attachment; filename=\"read-log.{fmt}\"; filename*=UTF-8''{quote(name)}"
    response.headers["Cache-Control"] = "no-store"
    return response
