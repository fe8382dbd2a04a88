"""reconcile.ucdp.v1 on hand-built reports: figures low/best/high, disagreements, date, place, provenance."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from eventlens.model import (
    Actor,
    CasualtyClaim,
    DocStatus,
    Document,
    Entity,
    IncidentMention,
    Place,
    PlacePrecision,
    Quote,
)
from eventlens.registry import get_stage
from eventlens.settings import ReconcileSettings
from eventlens.stages.reconcile import reconcile_incident, source_order

CFG = ReconcileSettings()

# A claim spec: (figure, group, value, sentence) plus CasualtyClaim fields as keywords.
Spec = tuple[str, str, int | None, str] | tuple[str, str, int | None, str, dict[str, Any]]


def _place(name: str, lat: float | None = None, lon: float | None = None, **fields: Any) -> Place:
    return Place(text=fields.pop("text", name), name=name, lat=lat, lon=lon, start=0, end=0, **fields)


SANDTON = _place("Sandton", 10.0, 20.0, admin1="North", country="QQ", precision=PlacePrecision.TOWN)
NORTH = _place("North", 10.5, 20.5, admin1="North", country="QQ", precision=PlacePrecision.REGION)


@pytest.fixture
def report(make_doc: Any) -> Any:
    """``report(doc_id, published, *claim specs, date=..., place=..., **mention or document fields)``."""

    def build(doc_id: str, published: str | None, *specs: Spec, **fields: Any) -> Document:
        doc_fields = {
            k: fields.pop(k) for k in ("status", "copy_of", "quotes", "title", "outlet", "entities") if k in fields
        }
        background = fields.pop("background", ())
        text, claims = "", []
        for spec in specs:
            figure, group, value, sentence = spec[:4]
            extra: dict[str, Any] = dict(spec[4]) if len(spec) > 4 else {}  # type: ignore[misc]
            start = len(text)
            text += sentence + " "
            claims.append(
                CasualtyClaim(
                    figure=figure, group=group, value=value, attributed_to=extra.pop("attributed_to", "outlet"),
                    start=start, end=start + len(sentence), sentence=sentence, **extra,
                )
            )  # fmt: skip
        text += "Filler text of the report."
        main = IncidentMention(
            id=f"{doc_id}:0",
            role="main",
            trigger=fields.pop("trigger", "attack"),
            claims=tuple(claims),
            start=0,
            end=len(text),
            **{"type": "Violence against civilians", "sub_type": "Attack", "category": "attack", **fields},
        )
        return make_doc(text, published, doc_id=doc_id, incidents=(main, *background), **doc_fields)

    return build


def test_registered() -> None:
    spec = get_stage("reconcile.ucdp.v1")
    assert (spec.slot, spec.kind, spec.section) == ("reconcile", "fusion", "reconcile")


def test_rising_toll_best_is_the_latest_report(report: Any) -> None:
    docs = [
        report("a", "2024-05-01", ("killed", "unknown", 3, "Three people were killed.")),
        report("b", "2024-05-02", ("killed", "unknown", 5, "The toll rose to five.", {"supersedes": True})),
        report("c", "2024-05-03", ("killed", "unknown", 7, "Seven people died.")),
    ]
    killed = reconcile_incident("inc", docs, CFG).figures["killed"]
    assert (killed.low, killed.best, killed.high) == (3, 7, 7)
    assert "latest" in (killed.rule or "") and "c, 2024-05-03" in (killed.rule or "")
    assert [c.doc_id for c in killed.claims] == ["a", "b", "c"]
    assert killed.by_group == {}  # group-less figures are totals, not a group


def test_best_below_high_when_the_latest_count_is_lower(report: Any) -> None:
    docs = [
        report("a", "2024-05-01", ("injured", "civilians", 47, "47 civilians were wounded.")),
        report("b", "2024-05-02", ("injured", "civilians", 44, "The ministry counts 44 wounded civilians.")),
    ]
    injured = reconcile_incident("inc", docs, CFG).figures["injured"]
    assert (injured.low, injured.best, injured.high) == (44, 44, 47)
    assert injured.by_group["civilians"].model_dump() == {"low": 44, "best": 44, "high": 47}


def test_a_later_partial_figure_is_not_summed_with_a_total(report: Any) -> None:
    docs = [
        report("a", "2024-05-01", ("killed", "unknown", 3, "Three people were killed.")),
        report("b", "2024-05-02", ("killed", "security_forces", 1, "One of them was a police officer.")),
    ]
    killed = reconcile_incident("inc", docs, CFG).figures["killed"]
    assert killed.best == 3
    assert killed.by_group["security_forces"].best == 1


def test_disjoint_groups_are_summed_across_reports(report: Any) -> None:
    docs = [
        report(
            "a",
            "2024-05-01",
            ("killed", "civilians", 7, "Seven residents were killed."),
            ("killed", "attackers", 3, "The police killed three attackers."),
        ),
        report("b", "2024-05-02", ("killed", "civilians", 10, "Ten civilians were killed, the UN said.")),
    ]
    killed = reconcile_incident("inc", docs, CFG).figures["killed"]
    assert (killed.low, killed.best, killed.high) == (10, 13, 13)
    assert {g: r.best for g, r in killed.by_group.items()} == {"attackers": 3, "civilians": 10}
    assert "summed" in (killed.rule or "")


def test_a_conflated_total_is_a_total_not_a_group(report: Any) -> None:
    one = report(
        "a",
        "2024-05-01",
        ("killed", "unknown", 4, "The clash left four dead, including the three militants."),
        ("killed", "attackers", 3, "The clash left four dead, including the three militants."),
    )
    killed = reconcile_incident("inc", [one], CFG).figures["killed"]
    assert (killed.best, killed.by_group["attackers"].best) == (4, 3)
    later = report(
        "b",
        "2024-05-02",
        ("killed", "civilians", 26, "26 civilians were killed."),
        ("killed", "attackers", 6, "Six terrorists were neutralized."),
    )
    conflated = report("c", "2024-05-01", ("killed", "unknown", 32, "32 dead, including the assailants."))
    killed = reconcile_incident("inc", [conflated, later], CFG).figures["killed"]
    assert (killed.low, killed.best, killed.high) == (32, 32, 32)


def test_a_figure_without_a_number_is_null_and_no_one_killed_is_zero(report: Any) -> None:
    doc = report(
        "a",
        "2024-05-01",
        ("killed", "unknown", 0, "No one was killed."),
        ("injured", "unknown", None, "Several people were wounded.", {"low": 3, "qualifier": "several"}),
    )
    incident = reconcile_incident("inc", [doc], CFG)
    killed, injured = incident.figures["killed"], incident.figures["injured"]
    assert (killed.low, killed.best, killed.high) == (0, 0, 0)
    assert (injured.low, injured.best, injured.high) == (None, None, None)
    assert "arrested" not in incident.figures
    assert incident.provenance[0].reported == ("killed", "injured")


def test_more_than_ten_is_ten(report: Any) -> None:
    doc = report(
        "a",
        "2024-05-01",
        ("injured", "unknown", None, "More than ten were hurt.", {"low": 11, "qualifier": "more than"}),
    )
    assert reconcile_incident("inc", [doc], CFG).figures["injured"].best == 10


def test_a_perpetrators_own_claim_is_kept_but_not_counted(report: Any) -> None:
    doc = report(
        "a",
        "2024-05-01",
        ("killed", "unknown", 8, "Eight people were killed, a security official said."),
        ("killed", "security_forces", 17, 'The group said it "killed 17 soldiers".', {"self_claim": True}),
    )
    incident = reconcile_incident("inc", [doc], CFG)
    killed = incident.figures["killed"]
    assert (killed.low, killed.best, killed.high) == (8, 8, 8)
    assert killed.by_group == {}
    assert all(not c.self_claim for c in killed.claims)
    assert [(c.value, c.self_claim, c.counted) for c in incident.excluded_claims] == [(17, True, False)]
    assert not any(17 in [v.value for v in d.values] for d in incident.disagreements)


def test_two_figures_in_one_report_are_a_within_source_disagreement(report: Any) -> None:
    doc = report(
        "a",
        "2024-05-01",
        ("killed", "unknown", 14, "14 dead as shells hit the market."),
        ("killed", "unknown", 12, "The shelling killed twelve people."),
    )
    incident = reconcile_incident("inc", [doc], CFG)
    (disagreement,) = [d for d in incident.disagreements if d.field == "killed"]
    assert disagreement.group == "unknown"
    assert [(v.value, v.doc_ids) for v in disagreement.values] == [(14, ("a",)), (12, ("a",))]
    assert disagreement.values[1].sentences == ("The shelling killed twelve people.",)
    assert disagreement.within_source == ("a",)
    assert incident.figures["killed"].best == 14  # within_report="max"
    assert reconcile_incident("inc", [doc], ReconcileSettings(within_report="last")).figures["killed"].best == 12


def test_a_superseding_toll_wins_inside_its_report(report: Any) -> None:
    doc = report(
        "a",
        "2024-05-01",
        ("killed", "unknown", 5, "The death toll rose to five.", {"supersedes": True}),
        ("killed", "unknown", 7, "Seven people were hurt or killed."),
    )
    assert reconcile_incident("inc", [doc], CFG).figures["killed"].best == 5


def test_copies_are_listed_but_not_counted_again(report: Any) -> None:
    quote = Quote(
        speaker="the governor",
        stance="condemnation",
        text="A cowardly attack on civilians",
        direct=True,
        start=0,
        end=5,
    )
    original = report("a", "2024-05-02", ("killed", "unknown", 5, "Five people were killed."), quotes=(quote,))
    copy = report(
        "b", "2024-05-02", ("killed", "unknown", 5, "Five people were killed."),
        status=DocStatus.COPY, copy_of="a", quotes=(quote,),
    )  # fmt: skip
    other = report("c", "2024-05-01", ("killed", "unknown", 3, "Three people were killed."))
    incident = reconcile_incident("inc", [original, copy, other], CFG)
    killed = incident.figures["killed"]
    assert (killed.low, killed.best, killed.high) == (3, 5, 5)
    assert sorted(incident.sources) == ["a", "b", "c"]
    assert {p.doc_id: p.role for p in incident.provenance} == {"a": "main", "b": "copy", "c": "main"}
    assert [c.doc_id for c in killed.claims] == ["c", "a"]
    assert [q.doc_id for q in incident.quotes] == ["a"]
    assert incident.summary is not None and incident.summary.endswith("3 reports (1 copy).")
    # Without its original, a copy is the only carrier of its claims and counts.
    assert reconcile_incident("inc", [copy], CFG).figures["killed"].best == 5


def test_the_same_members_in_any_order_give_the_same_incident(report: Any) -> None:
    docs = [
        report("a", "2024-05-01", ("killed", "civilians", 2, "Two residents died."), date="2024-04-30", place=SANDTON),
        report("b", None, ("killed", "unknown", 4, "Four people died."), weekday=1, place=NORTH),
        report(
            "c", "2024-05-01", ("killed", "unknown", 3, "Three people died."), date="2024-04-30", time_local="21:00"
        ),
        report("d", "2024-05-03", ("injured", "unknown", 6, "Six were hurt."), date="2024-05-01"),
    ]
    first = reconcile_incident("inc", docs, CFG)
    for order in itertools.permutations(docs):
        assert reconcile_incident("inc", list(order), CFG) == first


def test_an_undated_report_is_placed_by_its_figures(report: Any) -> None:
    dated = [
        report("a", "2024-05-01", ("killed", "unknown", 9, "Nine people were killed.")),
        report("b", "2024-05-02", ("killed", "unknown", 21, "The final toll is 21.")),
    ]
    between = report("u", None, ("killed", "unknown", 19, "The toll has risen to 19."))
    assert [d.doc_id for d in source_order([*dated, between])] == ["a", "u", "b"]
    assert reconcile_incident("inc", [*dated, between], CFG).figures["killed"].best == 21
    beyond = report("v", None, ("killed", "unknown", 25, "The toll has risen to 25."))
    assert [d.doc_id for d in source_order([beyond, *dated])] == ["a", "b", "v"]
    assert reconcile_incident("inc", [*dated, beyond], CFG).figures["killed"].best == 25


def test_same_day_reports_go_by_their_toll(report: Any) -> None:
    docs = [
        report("a", "2024-05-01", ("killed", "unknown", 8, "Eight people were killed.")),
        report("b", "2024-05-01", ("killed", "unknown", 6, "Six people were killed.")),
    ]
    assert [d.doc_id for d in source_order(docs)] == ["b", "a"]
    assert reconcile_incident("inc", docs, CFG).figures["killed"].best == 8


def test_date_day_beats_weekday_and_a_weekday_resolves_through_the_incident(report: Any) -> None:
    docs = [
        report("a", "2024-05-06", date="2024-05-05", date_precision="day", time_local="10:30"),  # a Sunday
        report("b", None, weekday=6, date_precision="weekday"),  # "Sunday's shelling"
        report("c", "2024-05-07", date="2024-05-06", date_precision="day", time_local="11:30"),
    ]
    incident = reconcile_incident("inc", docs, CFG)
    assert (incident.date, incident.date_precision, incident.time_local) == ("2024-05-05", "hour", "10:30")
    (date,) = [d for d in incident.disagreements if d.field == "date"]
    assert [(v.value, v.doc_ids) for v in date.values] == [("2024-05-05", ("a", "b")), ("2024-05-06", ("c",))]
    (time,) = [d for d in incident.disagreements if d.field == "time_local"]
    assert [v.value for v in time.values] == ["10:30", "11:30"]


def test_a_day_after_the_first_report_loses(report: Any) -> None:
    docs = [
        report("a", "2024-05-05", date="2024-05-05"),
        report("b", "2024-05-08", date="2024-05-07"),
        report("c", "2024-05-09", date="2024-05-07"),
    ]
    assert reconcile_incident("inc", docs, CFG).date == "2024-05-05"


def _retold(doc_id: str, day: str) -> IncidentMention:
    return IncidentMention(
        id=f"{doc_id}:1", role="background", type="Violence against civilians", trigger="shot", date=day,
        date_precision="day", start=0, end=4,
    )  # fmt: skip


def test_follow_ups_after_the_first_report_take_the_retold_day(report: Any) -> None:
    """A trial and a sentencing months later retell the shooting: its day is the incident's."""
    docs = [
        report("a", "2024-08-25", trigger="charged", background=(_retold("a", "2024-03-01"),)),
        report("b", "2025-09-10", date="2025-09-10", trigger="sentenced", background=(_retold("b", "2024-03-01"),)),
    ]
    assert (reconcile_incident("inc", docs, CFG).date, reconcile_incident("inc", docs, CFG).date_precision) == (
        "2024-03-01",
        "day",
    )


def test_no_stated_date_is_the_first_report_day_to_the_week(report: Any) -> None:
    docs = [report("a", "2024-05-06"), report("b", "2024-05-07")]
    incident = reconcile_incident("inc", docs, CFG)
    assert (incident.date, incident.date_precision) == ("2024-05-06", "week")


def test_location_votes_spellings_and_containing_areas(report: Any) -> None:
    docs = [
        report("a", "2024-05-01", place=SANDTON.model_copy(update={"text": "Sandton"})),
        report("b", "2024-05-01", place=SANDTON.model_copy(update={"text": "Sandtown"})),
        report("c", "2024-05-02", place=NORTH),
        report("d", "2024-05-02", place=_place("Santon", text="Santon")),  # no gazetteer entry: a spelling
        report("e", "2024-05-03", place=_place("Farplace", 40.0, 60.0, precision=PlacePrecision.TOWN, country="QQ")),
    ]
    incident = reconcile_incident("inc", docs, CFG)
    location = incident.location
    assert location is not None
    assert (location.name, location.lat, location.lon, location.precision) == ("Sandton", 10.0, 20.0, "town")
    assert location.variants == ("Sandton", "Sandtown", "Santon")
    (disagreement,) = [d for d in incident.disagreements if d.field == "location"]
    assert [v.value for v in disagreement.values] == ["Sandton", "North", "Santon", "Farplace"]


def test_a_village_wins_over_a_town_that_shares_its_regions_name(report: Any) -> None:
    region_town = _place("Tilla", 14.2, 1.45, admin1="Tilla", country="QQ", precision=PlacePrecision.TOWN)
    village = _place("Banibo", 15.0, 2.7, admin1="Tilla", country="QQ", precision=PlacePrecision.VILLAGE)
    docs = [
        report("a", "2024-05-01", place=region_town),
        report("b", "2024-05-02", place=region_town),
        report("c", "2024-05-02", place=village),
    ]
    location = reconcile_incident("inc", docs, CFG).location
    assert location is not None and location.name == "Banibo"


def test_a_town_wins_over_a_hospital_whatever_the_votes(report: Any) -> None:
    hospital = _place("Mercy Hospital", 10.2, 20.2, admin1="North", country="QQ", precision=PlacePrecision.MUNICIPALITY)
    docs = [report("a", "2024-05-01", place=hospital), report("b", "2024-05-01", place=hospital), report("c", "2024-05-02", place=SANDTON)]
    location = reconcile_incident("inc", docs, CFG).location
    assert location is not None and location.name == "Sandton"


def test_the_reading_of_a_tied_name_the_other_reports_region_backs(report: Any) -> None:
    """Two reports, two towns: the one in the region another report's places lie in wins, at its own point."""
    abroad = _place("Sandton", 50.0, 60.0, admin1="Far", country="QQ", precision=PlacePrecision.VILLAGE)
    near = _place("Dunmore", 10.3, 20.3, admin1="North", country="QQ", precision=PlacePrecision.TOWN, method="gazetteer:exact")
    docs = [
        report("a", "2024-05-01", place=abroad),
        report("b", "2024-05-02", place=SANDTON).model_copy(update={"places": (near,)}),
    ]
    location = reconcile_incident("inc", docs, CFG).location
    assert location is not None and (location.name, location.lat, location.admin1) == ("Sandton", 10.0, "North")


def test_type_by_majority_with_ties_to_the_more_specific(report: Any) -> None:
    strike = {"type": "Explosions/Remote violence", "sub_type": "Air/drone strike", "category": "air_strike"}
    docs = [report("a", "2024-05-01"), report("b", "2024-05-02", **strike)]
    incident = reconcile_incident("inc", docs, CFG)
    assert (incident.sub_type, incident.category) == ("Air/drone strike", "air_strike")
    docs.append(report("c", "2024-05-03"))
    assert reconcile_incident("inc", docs, CFG).sub_type == "Attack"


def test_actors_are_merged_and_each_report_keeps_its_words(report: Any) -> None:
    docs = [
        report("a", "2024-05-01", actors=(Actor(name="Gunmen", role="actor1", kind="description"),)),
        report(
            "b",
            "2024-05-02",
            actors=(
                Actor(name="three gunmen", role="actor1", kind="description"),
                Actor(name="police", role="actor2", kind="description"),
            ),
        ),
        report("c", "2024-05-03", actors=(Actor(name="gunmen", role="actor2", kind="description"),)),
    ]
    incident = reconcile_incident("inc", docs, CFG)
    assert [(a.name, a.role) for a in incident.actors] == [("gunmen", "actor1"), ("police", "actor2")]
    terms = {p.doc_id: p.actor_terms for p in incident.provenance}
    assert terms == {"a": ("gunmen",), "b": ("three gunmen", "police"), "c": ("gunmen",)}
    assert {p.doc_id: p.actors for p in incident.provenance}["b"] == ("gunmen", "police")


def test_provenance_says_what_each_report_left_out(report: Any) -> None:
    docs = [
        report("a", "2024-05-01", ("killed", "unknown", 3, "Three died."), title="Three killed", outlet="Echo"),
        report(
            "b",
            "2024-05-02",
            ("killed", "security_forces", 1, "A soldier died."),
            ("injured", "unknown", 4, "Four were hurt."),
        ),
    ]
    rows = {p.doc_id: p for p in reconcile_incident("inc", docs, CFG).provenance}
    assert rows["a"].reported == ("killed",)
    assert rows["a"].left_out == ("killed:security_forces", "injured")
    assert (rows["a"].title, rows["a"].outlet, rows["a"].published) == ("Three killed", "Echo", "2024-05-01")
    assert rows["b"].reported == ("killed", "killed:security_forces", "injured")
    assert rows["b"].left_out == ()


def test_background_events_are_kept_once_and_never_counted(report: Any) -> None:
    old = IncidentMention(
        id="x:1",
        role="background",
        type="Violence against civilians",
        trigger="attack",
        date="2023-03-02",
        claims=(
            CasualtyClaim(
                figure="killed", group="unknown", value=7, attributed_to="outlet", start=0, end=4, sentence="x"
            ),
        ),
        background_cue="on 2 March 2023",
        start=0,
        end=4,
    )
    docs = [
        report("a", "2024-05-01", ("killed", "unknown", 3, "Three died."), background=(old,)),
        report("b", "2024-05-02", ("killed", "unknown", 4, "Four died."), background=(old,)),
    ]
    incident = reconcile_incident("inc", docs, CFG)
    assert [(b.doc_id, b.date, b.figures, b.cue) for b in incident.background] == [
        ("a", "2023-03-02", {"killed": 7}, "on 2 March 2023")
    ]
    assert incident.figures["killed"].high == 4


def test_summary_and_reporting_span(report: Any) -> None:
    docs = [
        report("a", "2024-05-01", ("killed", "unknown", 3, "Three died."), date="2024-04-30", place=SANDTON),
        report("b", "2024-05-03", ("injured", "unknown", 1, "One was hurt."), date="2024-04-30", place=SANDTON),
    ]
    incident = reconcile_incident("inc", docs, CFG)
    assert incident.summary == "Attack in Sandton, QQ on 2024-04-30: 3 killed (best), 1 injured; 2 reports."
    assert (incident.first_reported, incident.last_reported) == ("2024-05-01", "2024-05-03")
    assert incident.revisions == ()


def test_a_description_that_starts_with_a_name_keeps_its_capital(report: Any) -> None:
    kosovo = Entity(text="Kosovo", label="GPE", canonical="Kosovo", start=0, end=6)
    doc = report(
        "a", "2024-05-01", actors=(Actor(name="Kosovo police", role="actor2", kind="description"),), entities=(kosovo,)
    )
    incident = reconcile_incident("inc", [doc], CFG)
    assert [a.name for a in incident.actors] == ["Kosovo police"]
    assert incident.provenance[0].actor_terms == ("Kosovo police",)


def test_a_later_group_figure_replaces_an_earlier_larger_total(report: Any) -> None:
    """Overall best = the sum of the group bests: a later "18 wounded civilians" replaces an earlier "20 wounded"."""
    docs = [
        report("a", "2024-05-01", ("injured", "unknown", 20, "Twenty people were wounded.")),
        report("b", "2024-05-02", ("injured", "civilians", 18, "Eighteen wounded civilians remain in hospital.")),
    ]
    assert reconcile_incident("inc", docs, CFG).figures["injured"].best == 18


def test_a_victim_wounded_then_dead_is_not_injured(report: Any) -> None:
    """Wounded "in critical condition" in the first report, dead in a later one: killed 1, injured 0."""
    docs = [
        report("a", "2024-05-01", ("injured", "unknown", 1, "He is in critical condition.")),
        report("b", "2024-05-03", ("killed", "unknown", 1, "The man has died.")),
    ]
    figures = reconcile_incident("inc", docs, CFG).figures
    assert (figures["killed"].best, figures["injured"].best, figures["injured"].low) == (1, 0, 0)
    assert "later report counts dead" in (figures["injured"].rule or "")


def test_a_later_report_stating_the_injured_keeps_them(report: Any) -> None:
    docs = [
        report("a", "2024-05-01", ("injured", "unknown", 2, "Two people were wounded.")),
        report("b", "2024-05-03", ("killed", "unknown", 1, "One died."), ("injured", "unknown", 1, "One is in hospital.")),
    ]
    figures = reconcile_incident("inc", docs, CFG).figures
    assert (figures["killed"].best, figures["injured"].best) == (1, 1)
