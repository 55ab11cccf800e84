"""The overview's parts without a browser: its date fields, its selection list, its pace key (issue 13)."""

from __future__ import annotations

import pytest

from dash_http import find, render_page


@pytest.mark.parametrize("path", ["/", "/sites", "/analysis"])
def test_no_date_field_is_debounced(client, path):
    # Dash 4's Input calls setSelectionRange on a debounced field after each keystroke; a date field throws.
    fields = find(render_page(client, path, "?pledge=mark-2021"), type="date")
    assert fields, f"{path} has no date field"
    assert [f["props"].get("id") for f in fields if f["props"].get("debounce")] == []
