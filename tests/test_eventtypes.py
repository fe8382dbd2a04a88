"""Event typing of single sentences (eventlens.eventtypes) and the event-type evaluation."""

from __future__ import annotations

import pytest

from eventlens.eventtypes import PLOVER_TYPES, categories, classify_sentence, find_triggers, taxonomy_rows

pytestmark = pytest.mark.issue(12)


@pytest.mark.parametrize(
    "text,category,trigger",
    [
        ("Gunmen attacked a border checkpoint overnight.", "attack", "attacked"),
        ("A patrol was ambushed on the mountain road.", "attack", "ambushed"),
        ("Unknown assailants opened fire on a minibus.", "shooting", "opened fire"),
        ("A local councillor was shot dead outside his home.", "shooting", "shot dead"),
        ("A shootout between officers and smugglers lasted an hour.", "armed_clash", "shootout"),
        ("The firefight ended at dawn.", "armed_clash", "firefight"),
        ("Heavy clashes were reported near the airport.", "armed_clash", "clashes"),
        ("Four soldiers were killed on Tuesday.", "killing", "were killed"),
        ("A powerful explosion shook the market.", "bombing", "explosion"),
        ("A bomb went off near the ministry.", "bombing", "bomb"),
        ("Attackers hurled grenades at the station.", "grenade_attack", "hurled grenades"),
        ("Shelling of the town continued for a third day.", "shelling", "Shelling"),
        ("An airstrike hit a fuel depot.", "air_strike", "airstrike"),
        ("The convoy was hit by a drone strike.", "air_strike", "drone strike"),
        ("Two aid workers were abducted in the east.", "abduction", "abducted"),
        ("Masked men kidnapped a businessman.", "abduction", "kidnapped"),
        ("Police arrested nine people after the match.", "arrest", "arrested"),
        ("Three suspects were detained for questioning.", "arrest", "detained"),
        ("Officers carried out a dawn raid on the flat.", "raid", "raid"),
        ("Hundreds joined a protest against the new tax.", "protest", "protest"),
        ("Students staged a demonstration outside parliament.", "protest", "staged a demonstration"),
        ("A riot broke out in the prison.", "riot", "riot"),
        ("Residents set up barricades on the main road.", "barricade", "set up barricades"),
        ("Shops were looted during the night.", "looting", "looted"),
    ],
)
def test_violent_categories(text: str, category: str, trigger: str) -> None:
    typing = classify_sentence(text)
    assert typing is not None
    assert (typing.category, typing.trigger) == (category, trigger)
    assert typing.violent
    assert text[typing.start : typing.end] == typing.trigger
    assert typing.acled_type is not None


def test_passive_and_active_give_one_type() -> None:
    active = classify_sentence("Rebels abducted two engineers.")
    passive = classify_sentence("Two engineers were abducted by rebels.")
    assert active is not None and passive is not None
    assert (active.category, active.acled_sub_type) == (passive.category, passive.acled_sub_type)


@pytest.mark.parametrize(
    "text,plover",
    [
        ("The two governments agreed to reopen the border crossing.", "AGREE"),
        ("The opposition demanded the immediate release of its leader.", "DEMAND"),
        ("The prime minister rejected the proposal for new talks.", "REJECT"),
        ("The union threatened to shut down the port next week.", "THREATEN"),
        ("The foreign minister accused the neighbouring state of meddling.", "DISAPPROVE"),
        ("The two presidents held talks in the capital on Friday.", "CONSULT"),
        ("The council imposed sanctions on three companies.", "SANCTION"),
        ("The government lifted the curfew in the southern province.", "CONCEDE"),
        ("The rebels withdrew from the town on Monday.", "RETREAT"),
        ("The prosecutor opened an investigation into the deaths.", "INVESTIGATE"),
        ("The agency will send food aid to the flooded districts.", "AGREE"),
        ("The army put its troops on high alert.", "MOBILIZE"),
    ],
)
def test_plover_types(text: str, plover: str) -> None:
    typing = classify_sentence(text)
    assert typing is not None and typing.plover_type == plover


def test_threat_of_violence_is_not_an_incident() -> None:
    """A frame verb types the sentence: "threatened to shell" is a threat, not a shelling."""
    typing = classify_sentence("The commander threatened to shell the villages.")
    assert typing is not None and typing.category == "threaten" and not typing.violent


def test_hostile_future_act_is_a_threat_unless_cooperative() -> None:
    assert classify_sentence("The ministry said it would expel the ambassador unless the border reopens.").plover_type == (
        "THREATEN"
    )
    assert classify_sentence("The donors said they will provide emergency loans.").plover_type == "AGREE"


def test_capitalised_trigger_inside_a_name_is_skipped() -> None:
    assert [t.trigger for t in find_triggers("The Rally for Democracy party met on Tuesday.")] == ["met"]


def test_no_trigger_gives_none() -> None:
    assert classify_sentence("The weather was mild in the capital.") is None
    assert find_triggers("") == []


def test_triggers_best_first_with_offsets() -> None:
    text = "Troops shelled the town after rebels attacked a checkpoint."
    triggers = find_triggers(text)
    assert [t.category for t in triggers] == ["shelling", "attack"]
    assert all(text[t.start : t.end] == t.trigger for t in triggers)
    assert triggers[0].score >= triggers[1].score


def test_taxonomy_is_complete() -> None:
    cats = categories()
    assert {c.plover_type for c in cats.values()} == set(PLOVER_TYPES)
    rows = taxonomy_rows()
    assert len(rows) == len(cats)
    assert all(row["triggers"] for row in rows)
    assert all((c.acled_type is None) == (c.acled_sub_type is None) or c.name == "offensive" for c in cats.values())


_GOLD = [
    ("Rebels attacked a convoy near the border.", "ASSAULT"),
    ("The minister rejected the offer of talks.", "REJECT"),
    ("Workers demanded higher wages.", "DEMAND"),
    ("Thousands demonstrated in the capital.", "PROTEST"),
    ("The two leaders held talks on trade.", "CONSULT"),
    ("Police arrested twelve protesters.", "COERCE"),
    ("The weather was mild.", "AGREE"),
    ("The government threatened to close the border.", "THREATEN"),
]


def _write_gold(path, rows) -> None:  # noqa: ANN001
    import json

    with path.open("w", encoding="utf-8") as fh:
        for i, (text, label) in enumerate(rows):
            record = {"id": f"GOLD-{i:04d}", "text": text, "event_type": label, "source": [], "target": []}
            fh.write(json.dumps(record) + "\n")


def test_eval_events_on_tiny_gold(tmp_path) -> None:  # noqa: ANN001
    from eventlens.eval.common import split_of
    from eventlens.eval.events import evaluate_events

    _write_gold(tmp_path / "plover_gsr.jsonl", _GOLD)
    results = evaluate_events(tmp_path, actors=False)
    everything = results["splits"]["all"]["eventlens"]
    # Seven sentences carry their type; "The weather was mild." has no trigger (no prediction).
    assert everything["accuracy"] == pytest.approx(7 / 8)
    assert everything["unlabelled"] == 1
    assert everything["micro_f1"] == pytest.approx(2 * 1.0 * (7 / 8) / (1 + 7 / 8))
    # AGREE is never predicted (F1 0); seven types are perfect, ten absent (F1 0): macro over the 18 types.
    assert everything["macro_f1"] == pytest.approx(7 / 18)
    splits = {split_of(f"GOLD-{i:04d}") for i in range(len(_GOLD))}
    assert {"dev", "test", "all"} <= set(results["splits"])
    assert sum(results["splits"][s]["eventlens"]["records"] for s in splits) == len(_GOLD)
    assert set(results["splits"]["all"]) == {"eventlens", "majority", "tfidf_logreg"}


def test_score_types_counts_no_prediction_as_wrong() -> None:
    from eventlens.eval.events import score_types

    scores = score_types(["AGREE", "AGREE", "REJECT"], ["AGREE", None, "AGREE"])
    assert scores["accuracy"] == pytest.approx(1 / 3)
    assert scores["per_type"]["AGREE"] == pytest.approx(0.5)
    assert scores["per_type"]["REJECT"] == 0.0


def test_actor_codes_split_around_the_trigger() -> None:
    from eventlens.eval.events import actor_codes

    names = {"Ruritanian": "RUR", "Freedonia": "FRE", "United Provinces": "UPR"}
    text = "Ruritanian troops shelled Freedonia and the United Provinces, the UN said."
    found = actor_codes(text, names.get)
    assert [code for _, _, code in found] == ["RUR", "FRE", "UPR", "IGO"]
    assert [text[s:e] for s, e, _ in found] == ["Ruritanian", "Freedonia", "United Provinces", "UN"]


@pytest.mark.parametrize(
    "text,plover",
    [
        # general CAMEO codebook vocabulary, not only the dev sentences' words
        ("The navy held joint military exercises with its neighbour.", "COOPERATE"),
        ("The two countries agreed to work closely on border security.", "AGREE"),
        ("Police teamed up with foreign investigators to trace the money.", "COOPERATE"),
        ("Troops were placed on high alert along the frontier.", "MOBILIZE"),
        ("The army massed tanks near the frontier.", "MOBILIZE"),
        ("The prime minister paid tribute to the rescue workers.", "SUPPORT"),
        ("The leaders signed an accord on fishing rights.", "SUPPORT"),
        ("The government severed diplomatic ties with its neighbour.", "SANCTION"),
        ("The bank froze the assets of the ruling family.", "SANCTION"),
        ("The rebels disbanded their militia.", "RETREAT"),
        ("The general stepped down after the vote.", "RETREAT"),
        ("The minister lashed out at the opposition.", "DISAPPROVE"),
        ("The court permitted the party to register.", "CONCEDE"),
        ("The charity pleaded with donors for blankets.", "DEMAND"),
        ("The government repudiated the report.", "REJECT"),
    ],
)
def test_general_vocabulary(text: str, plover: str) -> None:
    typing = classify_sentence(text)
    assert typing is not None and typing.plover_type == plover, (text, typing)


@pytest.mark.parametrize(
    "text",
    [
        "The council withdrew its peacekeepers from the region.",
        "Fifty inspectors were pulled out of the country on Monday.",
        "The donors cut food aid to the province.",
        "The agency suspended all relief supplies to the camp.",
    ],
)
def test_withdrawn_staff_and_reduced_aid_are_sanctions(text: str) -> None:
    typing = classify_sentence(text)
    assert typing is not None and typing.plover_type == "SANCTION", (text, typing)


def test_military_withdrawal_stays_a_retreat() -> None:
    typing = classify_sentence("The army withdrew its troops from the border town.")
    assert typing is not None and typing.plover_type == "RETREAT"


def test_nonviolent_vocabulary_keeps_violent_triggers() -> None:
    """A new non-violent phrase never swallows a violent trigger the events stage reads."""
    for text, category in (
        ("Protesters blocked the road to the airport.", "barricade"),
        ("Hundreds marched on the parliament building.", "protest"),
        ("Gunmen attacked the aid convoy.", "attack"),
    ):
        assert any(t.category == category and t.violent for t in find_triggers(text)), text
