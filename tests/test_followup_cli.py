"""``pledgemap followup``: the follow-up of a pledge on the command line, and judging a promise or goal."""

from __future__ import annotations

from dashboard.cli import main
from geodata.store import GeoPackageStore


def test_show_judge_and_show_again(demo_copy, capsys):
    data = ["--data", str(demo_copy), "--pledge", "mark-2021", "--today", "2021-09-15"]
    assert main(["followup", "show", *data]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Medborgarlöfte Mark 2021: uppföljning för tertial 2 2021")
    assert "Löftespunkter: Ej bedömd 5" in out
    assert "2021-T1 Ej bedömd (sen) · 2021-T2 Ej bedömd" in out
    assert "Förslag utifrån siffrorna:" in out

    judged = ["--promise", "mark-2021-riktade-insatser", "--status", "Påbörjad", "--text", "Två insatser i våras."]
    assert main(["followup", "judge", *data, *judged]) == 0
    assert (
        "Sparade bedömningen av mark-2021-riktade-insatser för 2021-T2: Påbörjad (version 1)" in capsys.readouterr().out
    )
    assert main(["followup", "judge", *data, "--goal", "okad-trygghet", "--status", "osäkert"]) == 0
    capsys.readouterr()
    with GeoPackageStore.open(demo_copy) as store:
        saved = store.read_judgements("mark-2021")
    assert [(j.subject_id, j.period, j.status, j.version) for j in saved] == [
        ("mark-2021-riktade-insatser", "2021-T2", "started", 1),
        ("okad-trygghet", "2021-T2", "uncertain", 1),
    ]
    assert saved[0].evidence["to_date"] >= 0 and "proposed" in saved[0].evidence  # what the judge was shown

    assert main(["followup", "show", *data, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Promises: Started 1, Not judged 4" in out
    assert "2021-T2 Started" in out and "Latest (2021-T2, local): Två insatser i våras." in out


def test_a_wrong_status_period_or_promise_is_named_and_nothing_is_saved(demo_copy, capsys):
    data = ["--data", str(demo_copy), "--pledge", "mark-2021"]
    promise = ["--promise", "mark-2021-riktade-insatser"]
    assert main(["followup", "judge", *data, *promise, "--status", "uppnått"]) == 1
    err = capsys.readouterr().err
    assert "”uppnått” är ingen status; välj en av: done (Genomförd), started (Påbörjad)" in err
    assert main(["followup", "judge", *data, *promise, "--period", "2021-T4"]) == 1
    assert (
        "”2021-T4” är ingen uppföljningsperiod i löftet; välj en av: 2021-T1, 2021-T2, 2021-T3"
        in capsys.readouterr().err
    )
    assert main(["followup", "judge", *data, "--promise", "nope", "--lang", "en"]) == 1
    assert "pledge mark-2021 has no promise “nope”; its promises: mark-2021-narvaro" in capsys.readouterr().err
    assert main(["followup", "judge", *data, *promise, "--text", "a\x07b"]) == 1
    err = capsys.readouterr().err
    assert "bedömningen sparades inte: 1 problem" in err and "text: innehåller styrtecken" in err
    assert "Traceback" not in err
    with GeoPackageStore.open(demo_copy) as store:
        assert store.read_judgements("mark-2021") == []
