"""The follow-up report's download links ("Ladda ner uppföljningsrapport (Word / PDF)"), and the address they open.

The address is served by :mod:`dashboard.server.reports`; which variant a role gets is the domain's decision,
so the links are the same for everyone.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dash import html

from dashboard.i18n import translator

PATH = "/report/followup"
SITUATION_PATH = "/report/situation"
READ_LOG_PATH = "/report/read-log"


def followup_url(pledge_id: str, fmt: str, lang: str, period: str | None = None) -> str:
    """The download's address for a pledge, a format and a language (and a period, else the latest over).

    >>> followup_url("mark-2021", "pdf", "sv", "2021-T2")
    '/report/followup?pledge=mark-2021&period=2021-T2&format=pdf&lang=sv'
    """
    query = {"pledge": pledge_id, **({"period": period} if period else {}), "format": fmt, "lang": lang}
    return f"{PATH}?{urlencode(query)}"


def report_links(pledge_id: str, lang: str, period: str | None = None) -> html.P:
    """One line: the words, then a Word and a PDF link (each a download, named in full for a screen reader)."""
    t = translator(lang)
    words = t("report.download")
    links = []
    for fmt, key in (("docx", "report.download_word"), ("pdf", "report.download_pdf")):
        links.append(
            html.A(
                t(key),
                href=followup_url(pledge_id, fmt, lang, period),
                download="",
                title=f"{words} ({t(key)})",
                className=f"pm-report-{fmt}",
            )
        )
    return html.P([f"{words} (", links[0], " / ", links[1], ")"], className="pm-report-links")


def situation_url(code: str, year: int, fmt: str, lang: str, version: int | None = None) -> str:
    """The lägesbild download's address for a municipality, a year, a format and a language (and a version, else
    the latest saved).

    >>> situation_url("1463", 2026, "pdf", "sv")
    '/report/situation?kommun=1463&year=2026&format=pdf&lang=sv'
    """
    query = {"kommun": code, "year": year, **({"version": version} if version else {}), "format": fmt, "lang": lang}
    return f"{SITUATION_PATH}?{urlencode(query)}"


def situation_links(code: str, year: int, lang: str, version: int | None = None) -> html.P:
    """The lägesbild's download line: the words, then a Word and a PDF link, as the follow-up report's."""
    t = translator(lang)
    words = t("situation.download")
    links = [
        html.A(
            t(key),
            href=situation_url(code, year, fmt, lang, version),
            download="",
            title=f"{words} ({t(key)})",
            className=f"pm-report-{fmt}",
        )
        for fmt, key in (("docx", "report.download_word"), ("pdf", "report.download_pdf"))
    ]
    return html.P([f"{words} (", links[0], " / ", links[1], ")"], className="pm-report-links")


def read_log_links(lang: str) -> html.P:
    """The read log's download line, for an admin: the words, then an Excel and a CSV link (the whole log; the
    address takes ``from``, ``to`` and ``user`` too, as ``pledgemap read-log export`` does)."""
    t = translator(lang)
    words = t("readlog.download")
    links = [
        html.A(
            label,
            href=f"{READ_LOG_PATH}?{urlencode({'format': fmt, 'lang': lang})}",
            download="",
            title=f"{words} ({label})",
            className=f"pm-read-log-{fmt}",
        )
        for fmt, label in (("xlsx", "Excel"), ("csv", "CSV"))
    ]
    return html.P([f"{words} (", links[0], " / ", links[1], ")"], className="pm-report-links")
