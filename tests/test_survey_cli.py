"""``pledgemap survey`` on the command line: an import's words in Swedish (or English), a refused file's problems
each naming its row, group and field with nothing stored, a table with a column per group, an indicator described
once and the goal's categories; run through ``dashboard.cli.main`` on a copy of the demo store."""

from __future__ import annotations

import pytest

from dashboard.cli import main
from geodata.store import GeoPackageStore


def _count(data) -> int:
    with GeoPackageStore.open(data) as store:
        return len(store.read_survey_results("1463"))


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_file_with_bad_rows_names_each_row_and_field_in_swedish_and_stores_nothing(demo_copy, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Område;År;Indikator;Grupp;Värde;Antal svar;Nedre;Övre\n"
        "Kinna;2021;Problemindex;Alla;2,1;många;;\n"  # row 2: n is no number
        "Kinna;2021;Problemindex;Barn;2,0;300;;\n"  # row 3: no group
        "Skene;2021;Problemindex;Alla;2,0;300;2,2;2,6\n"  # row 4: the interval does not hold the value
        "Skene;2022;Problemindex;Alla;7,5;300;;\n"  # row 5: off the scale 0–6 the demo describes
        "Skene;2022;Problemindex;Kvinnor;1,8;150;;\n"
        "Skene;2022;Problemindex;Kvinnor;1,9;150;;\n",  # row 7: repeats row 6
        encoding="utf-8",
    )
    before = _count(demo_copy)
    code, out, err = _run(capsys, "survey", "import", str(bad), "--municipality", "1463", "--data", str(demo_copy))
    assert code == 1 and out == ""
    assert "5 fel hittades; inget sparades:" in err
    assert "Rad 2, fältet ”antal svar (n)”: ”många” är inget antal svar; skriv ett heltal från 1" in err
    assert "Rad 3, fältet ”grupp”: ”Barn” är ingen grupp; skriv Alla, Kvinnor, Män" in err
    assert "Rad 4, fältet ”intervallets nedre gräns”: intervallet (2,2–2,6) rymmer inte värdet 2" in err
    assert "Rad 5, fältet ”värde”: är 7,5, utanför skalan 0–6 för Problemindex" in err
    assert "Rad 7, fältet ”område”: upprepar rad 6 (samma område, år, indikator och grupp)" in err
    assert _count(demo_copy) == before
    # The same problems in English.
    code, _, err = _run(capsys, "survey", "import", str(bad), "--municipality", "1463", "--lang", "en",
                        "--data", str(demo_copy))  # fmt: skip
    assert code == 1 and "5 problems found; nothing was stored:" in err
    assert "Row 3, field “group”: “Barn” is not a group" in err and "Row 7, field “area”: repeats row 6" in err


def test_a_table_with_a_column_per_group_imports_the_groups_and_tells_what_it_did_not_have(demo_copy, tmp_path, capsys):
    wide = tmp_path / "grupper.csv"
    wide.write_text(
        "Område;År;Indikator;Alla;Kvinnor;Män;n Alla;n Kvinnor;n Män\n"
        "Kinna;2021;Otrygg i centrum;20,5;28,0;12,5;400;210;190\n"
        "Skene;2021;Otrygg i centrum;18,0;25,0;11,0;300;150;150\n",
        encoding="utf-8",
    )
    data = ["--data", str(demo_copy)]
    code, out, _ = _run(capsys, "survey", "import", str(wide), "--municipality", "1463", "--dry-run", *data)
    assert code == 0
    assert "Kolumner som används: område ← Område, år ← År, indikator ← Indikator, antal svar (n) ← n Alla" in out
    assert "En kolumn per grupp: Alla (Alla), Kvinnor (Kvinnor), Män (Män)" in out
    assert "Saknas i filen: osäkerhet (medelfel eller intervall), serieavbrott." in out
    assert "räknas 95\u00a0% konfidensintervall fram ur antal svar för andelar; för index och medelvärden är" in out
    assert "Inte beskriven: Otrygg i centrum." in out and "pledgemap survey describe NAMN --kind" in out
    assert "6 rader är rätta och skulle ge 6 nya resultat och 0 ersatta; inget sparades (--dry-run)." in out
    before = _count(demo_copy)
    code, out, _ = _run(capsys, "survey", "import", str(wide), "--municipality", "1463", "--kind", "andel",
                        "--better", "lägre", "--indicator-source", "Kommunens enkät 2021", *data)  # fmt: skip
    assert code == 0 and "6 nya resultat, 0 ersatta, 0 fanns redan." in out and "Inte beskriven" not in out
    with GeoPackageStore.open(demo_copy) as store:
        rows = store.read_survey_results("1463")
        described = store.read_indicators()["Otrygg i centrum"]
    assert len(rows) == before + 6
    kinna = rows[(rows["indicator"] == "Otrygg i centrum") & (rows["area_id"] == "Kinna")]
    assert dict(zip(kinna["group_code"], kinna["n"])) == {"all": 400, "women": 210, "men": 190}
    assert (described.kind, described.better, described.source) == ("share", "lower", "Kommunens enkät 2021")


def test_a_long_table_without_n_interval_group_or_break_says_each_is_missing(demo_copy, tmp_path, capsys):
    plain = tmp_path / "enkel.csv"
    plain.write_text("Område;År;Indikator;Värde\nKinna;2021;Nöjdhet;3,1\n", encoding="utf-8")
    code, out, _ = _run(capsys, "survey", "import", str(plain), "--municipality", "1463", "--lang", "en",
                        "--data", str(demo_copy))  # fmt: skip
    assert code == 0
    assert (
        "Not in the file: number of answers (n), uncertainty (standard error or interval), group, series break." in out
    )
    assert "the uncertainty is unknown: no change can be said to be larger than it" in out
    assert "Each row is for everyone who answered." in out and "New results: 1, replaced: 0, already stored: 0." in out


def test_an_indicator_described_once_refuses_values_off_its_scale(demo_copy, tmp_path, capsys):
    data = ["--data", str(demo_copy)]
    code, out, _ = _run(capsys, "survey", "describe", "Oroindex", "--kind", "index", "--scale", "0–6", "--better",
                        "lägre", "--measures", "Hur oroliga de boende är", "--source", "Egen enkät", *data)  # fmt: skip
    assert code == 0
    assert out.splitlines() == [
        "Indikatorn Oroindex är beskriven:",
        "  Typ: Index",
        "  Skala: 0–6",
        "  Riktning: lägre är bättre",
        "  Mäter: Hur oroliga de boende är",
        "  Källa: Egen enkät",
    ]
    off = tmp_path / "oro.csv"
    off.write_text("Område;År;Indikator;Värde\nKinna;2021;Oroindex;6,5\nSkene;2021;Oroindex;2\n", encoding="utf-8")
    before = _count(demo_copy)
    code, out, err = _run(capsys, "survey", "import", str(off), "--municipality", "1463", *data)
    assert code == 1 and "Rad 2, fältet ”värde”: är 6,5, utanför skalan 0–6 för Oroindex" in err
    assert "Rad 3" not in err and _count(demo_copy) == before
    # Described otherwise, the stored description is kept unless replaced.
    code, _, err = _run(capsys, "survey", "describe", "Oroindex", "--kind", "medelvärde", *data)
    assert code == 1 and "Indikatorn Oroindex, fältet ”typ”: är ”mean”, men ”index” finns lagrat" in err
    assert _run(capsys, "survey", "describe", "Oroindex", "--kind", "mean", "--replace", *data)[0] == 0


def test_link_sets_the_goals_categories_by_code_or_name_and_names_a_bad_one(demo_copy, capsys):
    data = ["--data", str(demo_copy)]
    link = ["survey", "link", "--pledge", "mark-2021", "--goal", "okad-trygghet", "--indicator", "Problemindex"]
    code, _, err = _run(capsys, *link, "--categories", "drug_dealing,Drogmissbruk", *data)
    assert code == 1 and "”Drogmissbruk” är ingen kategori av otrygga platser; välj bland:" in err
    assert "drug_dealing (Narkotikaförsäljning)" in err
    code, out, _ = _run(capsys, *link, "--categories", "drug_dealing, Dålig belysning", *data)
    assert code == 0 and "i kategorierna Narkotikaförsäljning, Dålig belysning" in out
    with GeoPackageStore.open(demo_copy) as store:
        goal = next(g for g in store.get_pledge("mark-2021").goals if g.id == "okad-trygghet")
    assert goal.categories == ("drug_dealing", "poor_lighting") and goal.indicator == "Problemindex"
    code, out, _ = _run(capsys, "analyze", "goals", "--pledge", "mark-2021", *data)
    assert "Narkotikaförsäljning, Dålig belysning, per år:" in out


@pytest.mark.parametrize("value", ["andel", "share", "index", "medelvärde", "mean"])
def test_the_kind_takes_swedish_and_english_words(demo_copy, capsys, value):
    assert main(["survey", "describe", "X", "--kind", value, "--data", str(demo_copy)]) == 0


def test_a_file_without_the_columns_it_needs_names_each_field(demo_copy, tmp_path, capsys):
    bare = tmp_path / "bar.csv"
    bare.write_text("Område;Värde\nKinna;2\n", encoding="utf-8")
    code, out, err = _run(capsys, "survey", "import", str(bare), "--data", str(demo_copy))
    assert code == 1 and out == "" and "3 fel hittades; inget sparades:" in err
    for field in ("år", "indikator", "kommunkod"):
        assert f"- Filen bar.csv, fältet ”{field}”: filen har ingen kolumn för fältet" in err
