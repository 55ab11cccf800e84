"""Demo data: the shipped pledges with generated, plausible layers.

Everything generated here is invented, deterministic for a given seed, and
marked ``demo=True`` so that every view can say it is demo data. Places fall
inside the real municipality boundaries, concentrated around the town
centres; operations are dated inside their pledge's period and linked to the
promises they deliver, some promises only partly delivered so that progress
shows.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from geodata import vocab
from geodata.boundaries import municipality
from geodata.errors import NotFoundError
from geodata.layers import STORAGE_CRS
from geodata.model import Pledge, pledge_from_dict
from geodata.shipped import shipped_pledges
from geodata.store import GeoPackageStore
from geodata.surveys import Indicator

DEFAULT_SEED = 20180201


@dataclass(frozen=True)
class Centre:
    """A town centre demo places cluster around: WGS84 position, share of places, spread in metres."""

    name: str
    lon: float
    lat: float
    weight: float
    spread_m: float


CENTRES: dict[str, tuple[Centre, ...]] = {
    "1481": (  # Mölndal
        Centre("Mölndals centrum", 12.0138, 57.6554, 0.45, 650),
        Centre("Kållered", 12.0500, 57.6100, 0.20, 500),
        Centre("Lindome", 12.0750, 57.5750, 0.20, 600),
        Centre("Toltorp", 12.0000, 57.6450, 0.15, 400),
    ),
    "1463": (  # Mark
        Centre("Kinna", 12.6940, 57.5080, 0.35, 600),
        Centre("Skene", 12.6450, 57.4850, 0.30, 600),
        Centre("Fritsla", 12.7870, 57.5550, 0.13, 400),
        Centre("Örby", 12.6670, 57.4650, 0.12, 400),
        Centre("Horred", 12.4700, 57.3550, 0.10, 350),
    ),
    # The invented demo pledges' municipalities (DEMO_PLEDGES), one in each other police region.
    "1860": (Centre("Laxå", 14.6200, 58.9900, 1.0, 500),),
    "2418": (Centre("Malå", 18.7400, 65.1800, 1.0, 400),),
    "0380": (Centre("Uppsala centrum", 17.6400, 59.8600, 0.7, 900), Centre("Gottsunda", 17.6000, 59.8100, 0.3, 500)),
    "0581": (Centre("Norrköping centrum", 16.1900, 58.5900, 0.6, 800), Centre("Hageby", 16.1650, 58.5600, 0.4, 400)),
    "1281": (Centre("Lund centrum", 13.1900, 55.7000, 0.8, 700), Centre("Norra Fäladen", 13.2100, 55.7250, 0.2, 400)),
    "0123": (Centre("Jakobsberg", 17.8300, 59.4200, 0.7, 600), Centre("Viksjö", 17.8050, 59.4100, 0.3, 400)),
}

PLACE_WORDS = (
    "busshållplatsen",
    "torget",
    "gångtunneln",
    "parkeringen",
    "lekplatsen",
    "idrottsplatsen",
    "stationen",
    "skolgården",
    "parken",
    "gång- och cykelvägen",
)
# How often the demo draws each category: drugs dominate, as in both pledges' problem picture. The
# categories added with the words of Swedish safety work (unsafe_passage, littering, ...) are not drawn,
# so the demo stores stay the ones the figures in the tests and the README were measured on.
CATEGORY_WEIGHTS = {
    "drug_dealing": 22,
    "drug_use": 14,
    "poor_lighting": 12,
    "blocked_sightlines": 9,
    "loitering": 14,
    "vandalism": 9,
    "harassment": 6,
    "traffic": 8,
    "other": 6,
}
DESCRIPTIONS = {
    "drug_dealing": "Upplevd narkotikaförsäljning vid {place}",
    "drug_use": "Personer som använder narkotika vid {place}",
    "poor_lighting": "Dålig belysning vid {place}",
    "blocked_sightlines": "Buskage skymmer sikten vid {place}",
    "loitering": "Grupper som samlas vid {place} sena kvällar",
    "vandalism": "Skadegörelse och klotter vid {place}",
    "harassment": "Trakasserier och tillrop vid {place}",
    "traffic": "Vårdslös mopedkörning vid {place}",
    "other": "Känns otryggt vid {place}",
}
STREETS = (
    "Storgatan",
    "Skolgatan",
    "Kyrkogatan",
    "Parkvägen",
    "Björkvägen",
    "Ängsvägen",
    "Bergsgatan",
    "Torggatan",
    "Lindvägen",
    "Åvägen",
)
MEASURES = {
    "lighting": "Byta och komplettera belysning",
    "access": "Byta lås och passersystem",
    "sightlines": "Beskära buskage för fri sikt",
    "litter": "Städa och sanera klotter",
    "hangout": "Tömma utrymmet och låsa det",
}


class _Generator:
    """Draws demo records for one pledge; one instance per pledge, seeded from the pledge id."""

    def __init__(self, pledge: Pledge, seed: int):
        self.pledge = pledge
        self.rng = np.random.default_rng([seed, *pledge.id.encode()])
        # Who answered a survey is drawn from a stream of its own, so the other demo records stay as they were.
        self.respondents = np.random.default_rng([seed, *pledge.id.encode(), *b"respondents"])
        code = pledge.municipality.code
        if code is None:  # the lookup below would fail on it as well, less clearly
            raise NotFoundError(f"pledge {pledge.id}: the municipality has no kommun code; demo data needs one")
        self.area = municipality(code).geometry
        shapely.prepare(self.area)
        to_sweref = Transformer.from_crs(4326, STORAGE_CRS, always_xy=True)
        self.centres = [(c, *to_sweref.transform(c.lon, c.lat)) for c in CENTRES[code]]
        self.weights = np.array([c.weight for c, _, _ in self.centres])
        self.weights = self.weights / self.weights.sum()

    def point(self, spread_factor: float = 1.0) -> tuple[shapely.Point, Centre]:
        """A point near a randomly chosen centre, inside the municipality."""
        while True:
            centre, x, y = self.centres[self.rng.choice(len(self.centres), p=self.weights)]
            px, py = self.rng.normal((x, y), centre.spread_m * spread_factor)
            candidate = shapely.Point(px, py)
            if self.area.contains(candidate):
                return candidate, centre

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=int(self.rng.integers(0, (end - start).days + 1)))

    def moment(self, start: dt.date, end: dt.date, hours: tuple[int, int]) -> dt.datetime:
        day = self.day(start, end)
        return dt.datetime.combine(day, dt.time(int(self.rng.integers(*hours)), int(self.rng.choice([0, 15, 30, 45]))))

    def pick(self, options, weights=None):
        p = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
        return options[self.rng.choice(len(options), p=p)]

    def unsafe_places(self, count: int) -> gpd.GeoDataFrame:
        period = self.pledge.period
        records, geoms = [], []
        category_weights = [CATEGORY_WEIGHTS.get(c, 0) for c in vocab.UNSAFE_CATEGORIES]
        for n in range(count):
            geom, centre = self.point()
            source = self.pick(vocab.REPORT_SOURCES, [35, 20, 20, 15, 10])
            if source == "safety_walk" and self.rng.random() < 0.5:  # safety walks mark areas, not spots
                geom = geom.buffer(float(self.rng.uniform(30, 80)), quad_segs=4)
                if not self.area.contains(geom):
                    geom = geom.centroid
            category = self.pick(vocab.UNSAFE_CATEGORIES, category_weights)
            records.append(
                {
                    "source_id": f"demo:{self.pledge.id}:unsafe:{n}",
                    "demo": True,
                    "reported_on": self.day(period.start - dt.timedelta(days=120), period.end),
                    "source": source,
                    "category": category,
                    "time_of_day": self.pick(vocab.TIMES_OF_DAY, [5, 15, 40, 30, 10]),
                    "description": DESCRIPTIONS[category].format(place=self.pick(PLACE_WORDS)) + f" ({centre.name})",
                    "report_count": int(1 + self.rng.poisson(1.5)),
                    "pledge_id": self.pledge.id,
                    **(self.respondent() if source == "survey" else {}),
                }
            )
            geoms.append(geom)
        return gpd.GeoDataFrame(records, geometry=geoms, crs=STORAGE_CRS)

    def respondent(self) -> dict[str, str | None]:
        """The gender and age band a survey's respondent gave; about one in five left them out."""
        draw = self.respondents
        if draw.random() < 0.2:
            return {"respondent_gender": None, "respondent_age": None}
        gender = vocab.RESPONDENT_GENDERS[draw.choice(3, p=[0.56, 0.41, 0.03])]  # women answer more often
        age = vocab.RESPONDENT_AGES[draw.choice(5, p=[0.06, 0.22, 0.34, 0.24, 0.14])]
        return {"respondent_gender": gender, "respondent_age": age}

    def sites(
        self, promise_id: str, owner: str, types: tuple[str, ...], count: int, status_weights: list[float]
    ) -> gpd.GeoDataFrame:
        period = self.pledge.period
        records, geoms = [], []
        for n in range(count):
            geom, centre = self.point(spread_factor=0.8)
            status = self.pick(vocab.SITE_STATUSES, status_weights)
            inspected = None if status == "flagged" else self.day(period.start, period.end - dt.timedelta(days=60))
            findings = {f"check_{item}": None for item in vocab.CHECKLIST}
            measure = due = None
            if inspected:
                findings = {f"check_{item}": self.pick(vocab.FINDINGS, [60, 28, 12]) for item in vocab.CHECKLIST}
                worst = [item for item in vocab.CHECKLIST if findings[f"check_{item}"] != "ok"]
                if worst:
                    measure = "; ".join(MEASURES[item] for item in worst[:2])
                if status != "inspected":
                    due = inspected + dt.timedelta(days=int(self.rng.integers(30, 120)))
            records.append(
                {
                    "source_id": f"demo:{self.pledge.id}:site:{owner}:{n}",
                    "demo": True,
                    "site_type": self.pick(types),
                    "owner": owner,
                    "address": f"{self.pick(STREETS)} {int(self.rng.integers(1, 60))}, {centre.name}",
                    "property_designation": f"{centre.name} {int(self.rng.integers(1, 40))}:{int(self.rng.integers(1, 200))}",
                    "inspected_on": inspected,
                    **findings,
                    "measure": measure,
                    "status": status,
                    "due_on": due,
                    "promise_id": promise_id,
                }
            )
            geoms.append(geom)
        return gpd.GeoDataFrame(records, geometry=geoms, crs=STORAGE_CRS)

    def operations(
        self,
        promise_id: str,
        kind: str,
        count: int,
        visibility: str,
        title: str,
        hours: tuple[int, int],
        focus: tuple[str, ...] = (),
    ) -> gpd.GeoDataFrame:
        period = self.pledge.promise_period(self.pledge.promise(promise_id))
        records, geoms = [], []
        # Spread the operations over the period, each somewhere in its own slice, so the timeline shows a rhythm.
        bounds = np.linspace(0, (period.end - period.start).days, count + 1).astype(int)
        for n in range(count):
            start = self.moment(
                period.start + dt.timedelta(days=int(bounds[n])),
                period.start + dt.timedelta(days=int(max(bounds[n], bounds[n + 1] - 1))),
                hours,
            )
            geom, centre = self.point(spread_factor=0.6)
            if kind == "presence_patrol":
                geom = geom.buffer(150, quad_segs=4)
                if not self.area.contains(geom):
                    geom = geom.centroid
            checked = kind == "targeted_drug_operation"
            records.append(
                {
                    "source_id": f"demo:{self.pledge.id}:op:{kind}:{n}",
                    "demo": True,
                    "title": f"{title}, {centre.name}",
                    "starts_at": start,
                    "ends_at": start + dt.timedelta(hours=int(self.rng.integers(2, 6))),
                    "kind": kind,
                    "focus": self.pick(focus) if focus else None,
                    "persons_checked": int(self.rng.integers(4, 30)) if checked else None,
                    "seizures": int(self.rng.integers(0, 8)) if checked else None,
                    "reports_filed": int(self.rng.integers(0, 10)) if checked else None,
                    "visibility": visibility,
                    "promise_id": promise_id,
                }
            )
            geoms.append(geom)
        return gpd.GeoDataFrame(records, geometry=geoms, crs=STORAGE_CRS)


# What is generated for each shipped pledge: the number of unsafe places, then the arguments of
# _Generator.sites and _Generator.operations for each inventory and each kind of operation. They are
# drawn in this order, so the seed fixes every record.
@dataclass(frozen=True)
class _Plan:
    unsafe_places: int
    sites: tuple[tuple[Any, ...], ...]
    operations: tuple[tuple[Any, ...], ...]


_PLANS = {
    "molndal-2018": _Plan(
        unsafe_places=240,
        sites=(
            (
                "molndal-2018-inventering-platser",
                "Mölndals stad",
                ("public_place", "park", "underpass", "parking"),
                30,
                [15, 25, 25, 20, 15],
            ),
        ),
        operations=(
            (
                "molndal-2018-riktade-insatser",
                "targeted_drug_operation",
                9,
                "internal",
                "Riktad insats mot narkotika",
                (16, 21),
                ("youth_at_risk", "established_users", "sale"),
            ),
            (
                "molndal-2018-information-foraldrar",
                "parent_information",
                5,
                "public",
                "Informationsmöte för föräldrar",
                (18, 19),
            ),
        ),
    ),
    "mark-2021": _Plan(
        unsafe_places=160,
        sites=(
            (
                "mark-2021-kallare-vindar",
                "Marks Bostads AB",
                ("basement", "attic", "stairwell", "bike_storage"),
                70,
                [10, 15, 20, 30, 25],
            ),
        ),
        operations=(
            ("mark-2021-narvaro", "presence_patrol", 24, "public", "Förstärkt närvaro", (15, 23)),
            # Three of the four promised operations, so progress shows as incomplete.
            (
                "mark-2021-riktade-insatser",
                "targeted_drug_operation",
                3,
                "internal",
                "Riktad insats mot narkotika",
                (16, 21),
                ("sale", "youth_at_risk"),
            ),
            ("mark-2021-skolmiljoer", "school_visit", 8, "public", "Skolbesök", (9, 14)),
            (
                "mark-2021-information-vardnadshavare",
                "parent_information",
                4,
                "public",
                "Information till vårdnadshavare (Öckerömetoden)",
                (18, 19),
            ),
        ),
    ),
}


# Invented pledges, one in each police region the shipped pledges leave empty, so an overview of many pledges has
# something in each: (municipality code, name, police area, focus, promises as (id part, kind, text, target)).
# Every text says it is demo data; all run through 2021, as Mark's does, and start on its first day, so Mark stays
# the newest pledge (the one the pages open on).
_INVENTED: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str, int | None], ...]], ...] = (
    (
        "1860",
        "Laxå",
        "Lokalpolisområde Hallsberg",
        "Trafiksäkerhet och mopedåkning i centrum",
        (
            ("trafik", "targeted_operation", "Minst sex trafikkontroller vid skolor och i centrum", 6),
            ("foraldrar", "parent_information", "Information till föräldrar om mopeder och EPA-traktorer", None),
        ),
    ),
    (
        "2418",
        "Malå",
        "Lokalpolisområde Skellefteå",
        "Unga och fritid",
        (
            ("skola", "school_prevention", "Besök i skolans årskurs 7–9 varje termin", None),
            ("dialog", "citizen_dialogue", "En medborgardialog om ungas fritid", None),
        ),
    ),
    (
        "0380",
        "Uppsala",
        "Lokalpolisområde Uppsala",
        "Narkotikaförsäljning i Gottsunda och centrum",
        (
            ("insatser", "targeted_operation", "Minst tio riktade insatser mot narkotikaförsäljning", 10),
            ("inventering", "place_inventory", "Inventering av otrygga platser i Gottsunda", None),
            ("narvaro", "presence_patrol", "Förstärkt närvaro på helgkvällar", None),
        ),
    ),
    (
        "0581",
        "Norrköping",
        "Lokalpolisområde Norrköping",
        "Trygghet i bostadsområdet Hageby",
        (
            ("fastigheter", "property_inspection", "Bostadsbolaget ser över källare och trapphus", None),
            ("vandring", "citizen_dialogue", "Två trygghetsvandringar med de boende", 2),
        ),
    ),
    (
        "1281",
        "Lund",
        "Lokalpolisområde Lund",
        "Alkohol och otrygghet i centrum på kvällstid",
        (
            ("krogar", "targeted_operation", "Minst fyra tillsyner av krogar tillsammans med kommunen", 4),
            ("belysning", "place_inventory", "Kommunen förbättrar belysningen på utpekade platser", None),
        ),
    ),
    (
        "0123",
        "Järfälla",
        "Lokalpolisområde Järva",
        "Våld och kriminella nätverk bland unga",
        (
            ("narvaro", "presence_patrol", "Närvaro vid Jakobsbergs centrum varje fredag", None),
            ("foraldrar", "parent_information", "Föräldramöten om unga och kriminella nätverk", None),
            ("skola", "school_prevention", "Skolbesök i alla högstadieskolor", None),
        ),
    ),
)
DEMO_PLEDGE_YEAR = 2021
_INVENTED_PLACES = 60


def _invented_id(name: str) -> str:
    """ "demo-laxa-2021": the name in lower case, å and ä as a, ö as o."""
    return f"demo-{name.lower().translate(str.maketrans('åäö', 'aao'))}-{DEMO_PLEDGE_YEAR}"


@lru_cache(maxsize=1)
def invented_pledges() -> tuple[Pledge, ...]:
    """The invented demo pledges (:data:`_INVENTED`), each marked as demo data in its title and as ``demo``."""
    out = []
    for code, name, police_area, focus, promises in _INVENTED:
        pid = _invented_id(name)
        out.append(
            pledge_from_dict(
                {
                    "id": pid,
                    "title": f"Medborgarlöfte {name} {DEMO_PLEDGE_YEAR} (demodata)",
                    "demo": True,
                    "municipality": {"name": name, "code": code},
                    "police_area": {"name": police_area},
                    "partners": [
                        {"id": "polisen", "name": police_area, "kind": "police"},
                        {"id": "kommunen", "name": f"{name} kommun", "kind": "municipality"},
                    ],
                    "period": {"start": f"{DEMO_PLEDGE_YEAR}-01-01", "end": f"{DEMO_PLEDGE_YEAR}-12-31"},
                    "focus": f"{focus} (påhittat demolöfte)",
                    "problem_picture": {"shared": "Demodata: en påhittad problembild för att visa översikten."},
                    "promises": [
                        {
                            "id": f"{pid}-{part}",
                            "text": text,
                            "parties": ["polisen", "kommunen"] if kind != "targeted_operation" else ["polisen"],
                            "kind": kind,
                            **({"target": target} if target else {}),
                        }
                        for part, kind, text, target in promises
                    ],
                    "goals": [{"id": "okad-trygghet", "text": "Ökad trygghet"}],
                    "follow_up": [{"kind": "dialogue", "label": "Medborgardialog"}],
                }
            )
        )
    return tuple(out)


_OPERATION_TITLES = {
    "targeted_drug_operation": ("Riktad insats", "internal", (18, 23)),
    "presence_patrol": ("Närvaro", "public", (17, 23)),
    "parent_information": ("Föräldramöte", "public", (18, 20)),
    "school_visit": ("Skolbesök", "public", (9, 15)),
    "citizen_dialogue": ("Medborgardialog", "public", (18, 20)),
}


def _invented_plan(pledge: Pledge) -> _Plan:
    """Unsafe places; for each promise delivered by operations two thirds of its target (else three), of its first
    kind; for each promise delivered by inventoried sites twelve sites of the municipality's or its housing company."""
    operations, sites = [], []
    for promise in pledge.promises:
        if promise.evidence.layer == "operations":
            kind = promise.evidence.kinds[0]
            title, visibility, hours = _OPERATION_TITLES[kind]
            count = max(1, (promise.target or 3) * 2 // 3) if promise.target else 3
            operations.append((promise.id, kind, count, visibility, title, hours))
        elif promise.evidence.layer == "inventoried_sites":
            housing = promise.kind == "property_inspection"
            owner = "Bostadsbolaget (demodata)" if housing else f"{pledge.municipality.name} kommun"
            types = ("basement", "stairwell", "attic") if housing else ("public_place", "park", "underpass", "parking")
            sites.append((promise.id, owner, types, 12, [20, 30, 20, 20, 10]))
    return _Plan(unsafe_places=_INVENTED_PLACES, sites=tuple(sites), operations=tuple(operations))


def demo_layers(pledge: Pledge, seed: int = DEFAULT_SEED) -> dict[str, list[gpd.GeoDataFrame]]:
    """Generated layers for one of the shipped pledges, keyed by layer name."""
    g = _Generator(pledge, seed)
    invented = {p.id for p in invented_pledges()}
    plan = _PLANS.get(pledge.id) or (_invented_plan(pledge) if pledge.id in invented else None)
    if plan is None:
        raise ValueError(f"no demo layers are defined for pledge {pledge.id!r}")
    return {
        "unsafe_places": [g.unsafe_places(plan.unsafe_places)],
        "inventoried_sites": [g.sites(*arguments) for arguments in plan.sites],
        "operations": [g.operations(*arguments) for arguments in plan.operations],
    }


# Judgements of the demo pledges, so the follow-up shows: (subject, id, period, status, text), oldest first; a
# second line for the same period is a later version. Some periods are left unjudged (late, "ej bedömd"). Every
# text says it is demo data too, and each is stored as demo (the shipped pledges themselves are real).
DEMO_MARK = "Demodata: "
_JUDGEMENTS: dict[str, tuple[tuple[str, str, str, str, str], ...]] = {
    "mark-2021": (
        ("promise", "mark-2021-narvaro", "2021-T1", "started", "Närvaro i Kinna och Skene varannan helg."),
        ("promise", "mark-2021-narvaro", "2021-T2", "started", "Fler kvällar i Kinna centrum under sommaren."),
        ("promise", "mark-2021-narvaro", "2021-T3", "done", "Närvaron har hållits hela året på de utpekade platserna."),
        ("promise", "mark-2021-riktade-insatser", "2021-T1", "started", "En insats mot narkotikaförsäljning i Skene."),
        ("promise", "mark-2021-riktade-insatser", "2021-T2", "delayed", "Insatsen i juni sköts upp."),
        ("promise", "mark-2021-riktade-insatser", "2021-T3", "delayed", "Tre av fyra insatser; den fjärde flyttas."),
        ("promise", "mark-2021-skolmiljoer", "2021-T1", "started", "Besök på två skolor."),
        ("promise", "mark-2021-skolmiljoer", "2021-T2", "started", "Besök på fyra skolor."),
        ("promise", "mark-2021-skolmiljoer", "2021-T2", "done", "Besök på alla sex skolor före sommarlovet."),
        ("promise", "mark-2021-skolmiljoer", "2021-T3", "done", "Uppföljande besök på två skolor i höstas."),
        ("promise", "mark-2021-information-vardnadshavare", "2021-T1", "not_started", "Planeras till hösten."),
        ("promise", "mark-2021-information-vardnadshavare", "2021-T2", "started", "Första mötet hölls i Fritsla."),
        ("promise", "mark-2021-kallare-vindar", "2021-T1", "started", "Källare och vindar i Kinna inventerade."),
        ("promise", "mark-2021-kallare-vindar", "2021-T2", "started", "Skene och Örby inventerade."),
        ("promise", "mark-2021-kallare-vindar", "2021-T3", "started", "Fritsla och Horred återstår till nästa år."),
        ("goal", "okad-trygghet", "2021-T3", "uncertain", "Trygghetsmätningen görs nästa år."),
    ),
    "molndal-2018": (
        ("promise", "molndal-2018-riktade-insatser", "2018-T1", "started", "Två insatser i Mölndals centrum."),
        ("promise", "molndal-2018-riktade-insatser", "2018-T2", "started", "Insatser i Kållered och Lindome."),
        ("promise", "molndal-2018-information-foraldrar", "2018-T1", "not_started", "Möten planeras till hösten."),
        ("promise", "molndal-2018-information-foraldrar", "2018-T2", "delayed", "Mötet i maj ställdes in."),
        ("promise", "molndal-2018-inventering-platser", "2018-T1", "started", "Inventering av centrum påbörjad."),
        ("promise", "molndal-2018-inventering-platser", "2018-T2", "done", "Alla utpekade platser inventerade."),
    ),
}


# The invented pledges' states in an overview: Laxå done, Malå not judged, Uppsala delayed, Norrköping started,
# Lund not started, Järfälla started with one promise not judged.
_INVENTED_JUDGEMENTS = {
    "demo-laxa-2021": (
        ("trafik", "2021-T3", "done", "Sex kontroller genomförda."),
        ("foraldrar", "2021-T3", "done", "Två möten hölls."),
    ),
    "demo-uppsala-2021": (
        ("insatser", "2021-T3", "delayed", "Sex av tio insatser; resten flyttas till nästa år."),
        ("inventering", "2021-T3", "done", "Gottsunda inventerat."),
        ("narvaro", "2021-T3", "started", "Närvaro de flesta helger."),
    ),
    "demo-norrkoping-2021": (
        ("fastigheter", "2021-T2", "started", "Källarna i Hageby genomgångna."),
        ("vandring", "2021-T2", "done", "Två vandringar med de boende."),
    ),
    "demo-lund-2021": (
        ("krogar", "2021-T3", "not_started", "Tillsynerna planeras till våren."),
        ("belysning", "2021-T3", "started", "Belysningen bytt på två platser."),
    ),
    "demo-jarfalla-2021": (
        ("narvaro", "2021-T3", "started", "Närvaro de flesta fredagar."),
        ("foraldrar", "2021-T3", "done", "Tre föräldramöten."),
    ),
}
for _pid, _rows in _INVENTED_JUDGEMENTS.items():
    _JUDGEMENTS[_pid] = tuple(
        ("promise", f"{_pid}-{part}", period, status, text) for part, period, status, text in _rows
    )


def write_demo_judgements(store: GeoPackageStore, pledge: Pledge) -> None:
    """Judge the demo pledge's promises and goals as :data:`_JUDGEMENTS` says, with the figures of each period."""
    from geodata.analysis.judging import judge

    versions: dict[tuple[str, str, str], int] = {}
    for subject, subject_id, period, status, text in _JUDGEMENTS.get(pledge.id, ()):
        key = (subject, subject_id, period)
        saved = judge(
            store,
            pledge.id,
            subject,
            subject_id,
            period,
            status,
            DEMO_MARK + text,
            versions.get(key, 0),
            actor="demo",
            demo=True,
        )
        versions[key] = saved.version


# Demo safety surveys, invented here (their source says so): per pledge, the indicators its goals follow, each
# with its description, the areas and years measured, a true level per year the results are drawn around, and the
# goals that follow it (with the unsafe-place categories they are about). Mark's problem index breaks in 2020,
# when the (invented) survey moved from six answer options to five, as Mark's own survey did.
_DEMO_SOURCE = "Demodata: påhittad trygghetsmätning"


@dataclass(frozen=True)
class _DemoIndicator:
    indicator: Indicator
    areas: tuple[tuple[str, float, int], ...]  # name, level against the whole municipality, answers
    levels: dict[int, float]  # the municipality's true level per year
    goals: tuple[tuple[str, tuple[str, ...]], ...]  # goal id, unsafe-place categories
    groups: tuple[tuple[str, float], ...] = ()  # group, level against everyone (the whole municipality only)
    break_year: int | None = None
    break_reason: str | None = None
    se: float | None = None  # an index's standard error as the survey gives it


_DEMO_SURVEYS: dict[str, tuple[_DemoIndicator, ...]] = {
    "mark-2021": (
        _DemoIndicator(
            Indicator(
                "Otrygg ute sent en kväll",
                "share",
                better="lower",
                measures="Andel som känner sig ganska eller mycket otrygga ute ensamma sent en kväll i sitt "
                "bostadsområde",
                source=_DEMO_SOURCE,
            ),
            (("Hela kommunen", 1.0, 1100), ("Kinna", 1.25, 320), ("Skene", 0.95, 300)),
            {2018: 17.0, 2019: 18.5, 2020: 21.0, 2021: 19.0, 2022: 15.5, 2023: 15.0},
            (("okad-trygghet", ("poor_lighting", "blocked_sightlines", "harassment")),),
            groups=(("women", 1.7), ("men", 0.35), ("16_29", 1.3), ("30_64", 0.9), ("65_plus", 1.1)),
        ),
        _DemoIndicator(
            Indicator(
                "Problemindex",
                "index",
                0.0,
                6.0,
                "lower",
                "Hur stora de boende anser att problemen med ordningsstörningar och brott i området är",
                _DEMO_SOURCE,
            ),
            (("Hela kommunen", 1.0, 1100), ("Kinna", 1.15, 320), ("Skene", 0.9, 300)),
            {2018: 2.6, 2019: 2.7, 2020: 2.1, 2021: 2.0, 2022: 1.8, 2023: 1.85},
            (("minskad-brottslighet", ("vandalism", "drug_dealing", "drug_use")),),
            break_year=2020,
            break_reason="Ny skala: fem svarsalternativ i stället för sex",
            se=0.06,
        ),
    ),
    "molndal-2018": (
        _DemoIndicator(
            Indicator(
                "Otrygg i bostadsområdet",
                "share",
                better="lower",
                measures="Andel som känner sig otrygga i sitt bostadsområde",
                source=_DEMO_SOURCE,
            ),
            (("Hela kommunen", 1.0, 1400), ("Mölndals centrum", 1.4, 360), ("Kållered", 0.9, 240)),
            {2016: 14.0, 2017: 16.0, 2018: 13.5, 2019: 12.5},
            (("minskad-otrygghet", ("drug_use", "drug_dealing", "loitering")),),
            groups=(("women", 1.6), ("men", 0.45)),
        ),
        _DemoIndicator(
            Indicator(
                "Förtroende för polisen",
                "share",
                better="higher",
                measures="Andel som har ganska eller mycket stort förtroende för polisens arbete i kommunen",
                source=_DEMO_SOURCE,
            ),
            (("Hela kommunen", 1.0, 1400),),
            {2016: 58.0, 2017: 57.0, 2018: 58.5, 2019: 59.0},
            (("okat-fortroende", ()),),
        ),
    ),
}


def demo_survey(pledge: Pledge, seed: int = DEFAULT_SEED) -> tuple[gpd.GeoDataFrame, tuple[Indicator, ...]]:
    """The pledge's demo survey results (drawn around invented levels, deterministic for ``seed``) and the
    indicators' descriptions."""
    rng = np.random.default_rng([seed, sum(pledge.id.encode())])
    rows = []
    surveys = _DEMO_SURVEYS.get(pledge.id, ())
    for survey in surveys:
        for area, factor, answers in survey.areas:
            groups = (("all", 1.0), *(survey.groups if area == "Hela kommunen" else ()))
            for group, group_factor in groups:
                n = answers if group == "all" else max(60, int(answers * (0.5 if group in ("women", "men") else 0.3)))
                for year, level in survey.levels.items():
                    true = level * factor * group_factor
                    if survey.indicator.kind == "share":
                        value = round(100.0 * rng.binomial(n, min(true, 99.0) / 100.0) / n, 1)
                        se = None
                    else:
                        se = round((survey.se or 0.05) * math.sqrt(1100 / n), 3)
                        value = round(float(np.clip(rng.normal(true, se), 0.0, 6.0)), 2)
                    rows.append(
                        {
                            "municipality_code": pledge.municipality.code,
                            "area_id": area,
                            "area_name": area,
                            "year": year,
                            "indicator": survey.indicator.name,
                            "group_code": group,
                            "value": value,
                            "n": n,
                            "se": se,
                            "ci_low": None,
                            "ci_high": None,
                            "series_break": year == survey.break_year,
                            "break_reason": survey.break_reason if year == survey.break_year else None,
                            "source": _DEMO_SOURCE,
                        }
                    )
    frame = gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries([None] * len(rows), crs=STORAGE_CRS), crs=STORAGE_CRS)
    return frame, tuple(s.indicator for s in surveys)


def demo_goals(pledge: Pledge) -> Pledge:
    """The pledge with its goals following the demo survey's indicators and naming their unsafe-place categories."""
    follows = {
        goal_id: (survey.indicator.name, categories)
        for survey in _DEMO_SURVEYS.get(pledge.id, ())
        for goal_id, categories in survey.goals
    }
    goals = tuple(
        replace(goal, indicator=follows[goal.id][0], categories=follows[goal.id][1]) if goal.id in follows else goal
        for goal in pledge.goals
    )
    return replace(pledge, goals=goals)


def demo_pledges() -> tuple[Pledge, ...]:
    """Every pledge the demo store holds: the shipped ones (their goals following the demo surveys), then the
    invented ones."""
    return (*(demo_goals(p) for p in shipped_pledges()), *invented_pledges())


def write_demo_store(path: str | Path, seed: int = DEFAULT_SEED) -> GeoPackageStore:
    """Create a new store at ``path`` holding the shipped pledges (their goals following demo surveys), their
    generated layers, the surveys and judgements."""
    store = GeoPackageStore.create(path)
    try:
        for shipped in shipped_pledges():
            pledge = demo_goals(shipped)
            store.save_pledge(pledge)
            for layer, frames in demo_layers(pledge, seed).items():
                for frame in frames:
                    store.write_batch(layer, frame)
            results, indicators = demo_survey(pledge, seed)
            store.write_survey_results(results, actor="demo", indicators=indicators)
            write_demo_judgements(store, pledge)
        for pledge in invented_pledges():
            store.save_pledge(pledge)
            for layer, frames in demo_layers(pledge, seed).items():
                for frame in frames:
                    store.write_batch(layer, frame)
            write_demo_judgements(store, pledge)
    except BaseException:
        store.close()
        Path(path).unlink(missing_ok=True)
        raise
    return store
