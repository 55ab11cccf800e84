"""``pledgemap followup``: the follow-up of a pledge on the command line, and judging a promise or goal."""

from __future__ import annotations

import pytest

from dashboard.cli import main
from geodata.store import GeoPackageStore


def test_show_judge_and_show_again(demo_copy, capsys):
    data = ["--data", str(demo_copy), "--pledge", "mark-2021", "--today", "2021-09-15"]
    assert main(["followup", "show", *data]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Medborgarlöfte Mark 2021: uppföljning för T2 2021")
    # The demo's judgements of the second tertial, and the goals nobody has judged yet.
    assert "Löftespunkter: Genomförd 1, Påbörjad 3, Försenad 1" in out
    assert "Mål: Ej bedömd 3" in out
    assert "2021-T1 Påbörjad · 2021-T2 Försenad" in out  # the targeted operations
    assert "Förslag utifrån siffrorna: Påbörjad – 2 av 4 insatser, 2,7 väntade vid periodens slut" in out
    with GeoPackageStore.open(demo_copy) as store:
        before = len(store.read_judgements("mark-2021"))

    judged = ["--promise", "mark-2021-riktade-insatser", "--status", "Påbörjad", "--text", "Två insatser i våras."]
    assert main(["followup", "judge", *data, *judged]) == 0
    saved = capsys.readouterr().out
    assert "Sparade bedömningen av mark-2021-riktade-insatser för 2021-T2: Påbörjad (version 2)" in saved
    assert main(["followup", "judge", *data, "--goal", "minskad-brottslighet", "--status", "osäkert"]) == 0
    capsys.readouterr()
    with GeoPackageStore.open(demo_copy) as store:
        added = store.read_judgements("mark-2021")[before:]
    assert [(j.subject_id, j.period, j.status, j.version, j.demo) for j in added] == [
        ("mark-2021-riktade-insatser", "2021-T2", "started", 2, False),
        ("minskad-brottslighet", "2021-T2", "uncertain", 1, False),
    ]
    assert added[0].evidence["proposed"] == "started"  # what the judge was shown beside the figures

    assert main(["followup", "show", *data, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Promises: Done 1, Started 4" in out and "Goals: Uncertain 1, Not judged 2" in out
    assert "2021-T1 Started · 2021-T2 Started · 2021-T3 Delayed" in out  # T3 as the demo judged it


def test_a_wrong_status_period_or_promise_is_named_and_nothing_is_saved(demo_copy, capsys):
    data = ["--data", str(demo_copy), "--pledge", "mark-2021"]
    promise = ["--promise", "mark-2021-riktade-insatser"]
    with GeoPackageStore.open(demo_copy) as store:
        before = store.read_judgements("mark-2021")
    assert main(["followup", "judge", *data, *promise, "--status", "uppnått"]) == 1
    err = capsys.readouterr().err
    assert "”uppnått” är ingen status; välj en av: done (Genomförd), started (Påbörjad)" in err
    assert main(["followup", "judge", *data, *promise, "--status", "started", "--period", "2021-T4"]) == 1
    assert (
        "”2021-T4” är ingen uppföljningsperiod i löftet; välj en av: 2021-T1, 2021-T2, 2021-T3"
        in capsys.readouterr().err
    )
    assert main(["followup", "judge", *data, "--promise", "nope", "--status", "done", "--lang", "en"]) == 1
    assert "pledge mark-2021 has no promise “nope”; its promises: mark-2021-narvaro" in capsys.readouterr().err
    assert main(["followup", "judge", *data, *promise, "--status", "started", "--text", "a\x07b"]) == 1
    err = capsys.readouterr().err
    assert "bedömningen sparades inte: 1 problem" in err and "text: innehåller styrtecken" in err
    assert "Traceback" not in err
    # Without a status nothing is judged (a person's judgement is never replaced by a default) …
    with pytest.raises(SystemExit) as stopped:
        main(["followup", "judge", *data, *promise])
    assert stopped.value.code == 2 and "--status" in capsys.readouterr().err
    with GeoPackageStore.open(demo_copy) as store:
        assert store.read_judgements("mark-2021") == before
    # … and the same status and words again are no new version.
    latest = max((j for j in before if j.subject_id == "mark-2021-riktade-insatser" and j.period == "2021-T3"),
                 key=lambda j: j.version)  # fmt: skip
    again = ["--status", latest.status, "--text", latest.text, "--period", "2021-T3"]
    assert main(["followup", "judge", *data, *promise, *again]) == 0
    assert "är redan denna (version 1); ingenting sparades" in capsys.readouterr().out
    assert main(["followup", "judge", *data, *promise, "--status", "proposed", "--period", "2021-T3"]) == 0
    assert "(version 2)" in capsys.readouterr().out
