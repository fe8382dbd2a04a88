"""casualties.rules.v1 and events.rules.v1 on small inline texts: every casualty form, background cues."""

from __future__ import annotations

import pytest

from eventlens.model import Document, Place, PlacePrecision
from eventlens.numbers import COUNT_PATTERN, parse_count
from eventlens.registry import get_stage
from eventlens.settings import Settings
from eventlens.stages.casualties import find_claims

pytestmark = pytest.mark.issue(12)


def _claims(text: str) -> list[tuple[str, str, int | None]]:
    return [(c.figure, c.group, c.count.value) for c in find_claims(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        # number words, digits, qualifiers
        ("Three soldiers were killed in the ambush.", [("killed", "security_forces", 3)]),
        ("12 civilians were wounded.", [("injured", "civilians", 12)]),
        ("At least twenty-one people died.", [("killed", "unknown", 21)]),
        # attacker/victim inversion: the police are the actors, the attackers the victims
        ("Police killed three attackers near the bridge.", [("killed", "attackers", 3)]),
        ("Three gunmen killed five police officers.", [("killed", "security_forces", 5)]),
        # another / two more / others take the group of the figure before them
        (
            "A police officer was killed and another was injured.",
            [("killed", "security_forces", 1), ("injured", "security_forces", 1)],
        ),
        (
            "A police officer was killed and three others were injured, one of them seriously.",
            [("killed", "security_forces", 1), ("injured", "security_forces", 3)],
        ),
        ("Militants attacked the post, killing one soldier and injuring another.", [("killed", "security_forces", 1), ("injured", "security_forces", 1)]),
        # "two received bullet wounds ... one of them died": 1 killed, 1 injured
        (
            "Two officers received bullet wounds and were taken to hospital, one of them died.",
            [("injured", "security_forces", 1), ("killed", "security_forces", 1)],
        ),
        ("Four people were shot, one fatally.", [("injured", "unknown", 3), ("killed", "unknown", 1)]),
        # an explicit zero is a figure, not an absence
        ("No one was killed in the blast.", [("killed", "unknown", 0)]),
        ("No policeman was injured.", [("injured", "security_forces", 0)]),
        ("There were no casualties.", [("killed", "unknown", 0), ("injured", "unknown", 0)]),
        # detention, abduction, siege
        ("Six people were arrested.", [("arrested", "unknown", 6)]),
        ("Gunmen abducted 14 students from the school.", [("abducted", "civilians", 14)]),
        ("Troops surrounded at least 30 gunmen.", [("surrounded", "attackers", 30)]),
        # lists and singular victims
        ("Three children and two adults were found dead.", [("killed", "unknown", 5)]),
        ("A 17-year-old was shot and killed on Friday.", [("killed", "civilians", 1)]),
        ("The shooting left 3 dead and 5 wounded.", [("killed", "unknown", 3), ("injured", "unknown", 5)]),
        ("Officers said the attack resulted in the death of a police officer.", [("killed", "security_forces", 1)]),
    ],
)
def test_casualty_forms(text: str, expected: list[tuple[str, str, int | None]]) -> None:
    assert _claims(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # a total with its groups in an apposition; "including" gives a part, the rest stays without a group
        (
            "Ten people – six civilians and four soldiers – were killed.",
            [("killed", "unknown", 10), ("killed", "civilians", 6), ("killed", "security_forces", 4)],
        ),
        ("At least five people, including two police officers, were killed.", [("killed", "unknown", 5), ("killed", "security_forces", 2)]),
        # a comma before "and" ends the victims: two figures, not "two children, and 30" wounded
        ("The toll rose to 9 dead, including two children, and 30 wounded.", [("killed", "unknown", 9), ("injured", "unknown", 30)]),
        # a death among wounded counted apart from the dead is one more death
        ("Eight were killed and 12 wounded, one of whom died later.", [("killed", "unknown", 8), ("injured", "unknown", 11), ("killed", "unknown", 9)]),
        (
            "Six farmers were killed and 12 were hurt, one of whom, a woman, died in hospital.",
            [("killed", "civilians", 6), ("injured", "civilians", 11), ("killed", "civilians", 7)],
        ),
        ("One of the three guards wounded in the raid succumbed to his wounds.", [("injured", "security_forces", 2), ("killed", "security_forces", 1)]),
        # a relative clause between the victim and the verb; a "truck driver" is a person, not a vehicle
        ("A truck driver who was passing by at the time was killed.", [("killed", "civilians", 1)]),
        # a bare count shares the victims of the figure before it
        ("Police said 30 villagers were killed and 15 injured.", [("killed", "civilians", 30), ("injured", "civilians", 15)]),
        # "also" makes a named victim one more, not one of the dead
        ("Four traders were killed. A soldier was also wounded.", [("killed", "civilians", 4), ("injured", "security_forces", 1)]),
        # a running total supersedes, and takes the victims of the figure it adds to
        (
            "Three more suspects were detained, bringing the number of arrested people to seven.",
            [("arrested", "attackers", 3), ("arrested", "attackers", 7)],
        ),
        ("The number of people killed in the raid has reached 12, all of them civilians.", [("killed", "civilians", 12)]),
        ("Two members of the border police were injured.", [("injured", "security_forces", 2)]),
        ("Ten people were killed and 21 wounded, of whom one later died.", [("killed", "unknown", 10), ("injured", "unknown", 20), ("killed", "unknown", 11)]),
        # the victims' head noun after an adjective
        ("Gunmen opened fire, killing five young men and wounding two local traders.", [("killed", "civilians", 5), ("injured", "civilians", 2)]),
    ],
)
def test_multisource_casualty_forms(text: str, expected: list[tuple[str, str, int | None]]) -> None:
    """Forms of machine-translated reports that were misread (multisource dev)."""
    assert _claims(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A 23-year-old man was arrested.",  # an age is no count
        "He was shot three times.",  # shots are no victims (and a hit alone states no outcome)
        "The shooting happened at about 9:30 p.m.",
        "The father of two children spoke to reporters after the vigil.",
    ],
)
def test_numbers_that_are_not_figures(text: str) -> None:
    assert [c for c in find_claims(text) if c.figure in ("killed", "injured") and (c.count.value or 0) > 1] == []


def test_ranges_and_vague_quantities() -> None:
    import re

    pattern = re.compile(COUNT_PATTERN, re.IGNORECASE)
    over = parse_count(pattern.search("over 50"))
    assert over is not None and over.value is None and over.low == 51
    at_least = parse_count(pattern.search("at least 30"))
    assert at_least is not None and (at_least.value, at_least.low) == (30, 30)
    between = parse_count(pattern.search("between 5 and 10"))
    assert between is not None and (between.value, between.low, between.high) == (None, 5, 10)
    several = parse_count(pattern.search("several"))
    assert several is not None and several.value is None and several.low == 3
    dozens = parse_count(pattern.search("dozens of"))
    assert dozens is not None and dozens.value is None and dozens.low == 24


def test_a_rising_toll_supersedes() -> None:
    claims = find_claims("Two people were killed on Monday. The death toll rose to 5 on Tuesday.")
    toll = [c for c in claims if c.supersedes]
    assert len(toll) == 1 and toll[0].count.value == 5 and toll[0].figure == "killed"


def test_attribution() -> None:
    claims = find_claims("Three soldiers were killed, according to the defence ministry. Two more were injured, the governor said.")
    assert claims[0].attributed_to.lower().startswith("defence ministry")
    assert claims[1].attributed_to == "the governor"


def test_contradicting_figures_stay_two_claims() -> None:
    values = [c.count.value for c in find_claims("One officer was injured. Later the police said three officers were injured.")]
    assert values == [1, 3]


def _incidents(make_doc, text: str, published: str | None) -> Document:
    settings = Settings()
    doc = make_doc(text, published)
    for name in ("temporal.rules.v1", "events.rules.v1", "casualties.rules.v1"):
        spec = get_stage(name)
        doc = spec.func(doc, getattr(settings, spec.section))
    return doc


def test_background_cues_keep_old_figures_apart(make_doc) -> None:
    text = (
        "Gunmen attacked a police station in the town on Sunday, killing two officers.\n\n"
        "The region has seen violence since 2019. In March, a similar attack killed 9 soldiers.\n\n"
        "Last year's clashes left over 50 people injured."
    )
    doc = _incidents(make_doc, text, "2024-06-10")
    main = [i for i in doc.incidents if i.role == "main"]
    background = [i for i in doc.incidents if i.role == "background"]
    assert len(main) == 1
    assert [(c.figure, c.value) for c in main[0].claims] == [("killed", 2)]
    assert main[0].date == "2024-06-09"
    figures = {(c.figure, c.value if c.value is not None else c.low) for b in background for c in b.claims}
    assert ("killed", 9) in figures and ("injured", 51) in figures


def test_unknown_publication_day_keeps_the_weekday(make_doc) -> None:
    doc = _incidents(make_doc, "Sunday's clashes in the village left one soldier dead.", None)
    main = [i for i in doc.incidents if i.role == "main"][0]
    assert main.date is None and main.weekday == 6 and main.date_precision == "weekday"


def test_non_english_report_is_not_analysed(make_doc) -> None:
    text = "Gunmen killed three police officers on Sunday."
    assert _incidents(make_doc, text, "2024-06-10").incidents  # read as English, it tells an incident ...
    doc = make_doc(text, "2024-06-10", language="de", analysis="not analysed: language de")
    spec = get_stage("events.rules.v1")
    assert spec.func(doc, Settings().events).incidents == ()  # ... but a report marked not analysed is left alone


def _mains(doc: Document) -> list[str]:
    return [i.trigger for i in doc.incidents if i.role == "main"]


@pytest.mark.parametrize(
    "text",
    [
        (
            "Eight killed as a bus collides with a truck near the river\n\n"
            "At least eight people were killed and 14 injured when a bus collided with a truck on the coast road on Monday, "
            "rescue officials said. The injured were taken to the district hospital."
        ),
        "Three people died when their boat capsized on the lake on Monday, officials said.",
    ],
)
def test_an_accident_has_no_main_incident(make_doc, text: str) -> None:
    """Deaths in a road or boat accident are no armed incident: the figures belong to no incident."""
    doc = _incidents(make_doc, text, "2024-06-11")
    assert _mains(doc) == []
    assert all(not i.claims for i in doc.incidents)


def test_a_gun_that_went_off_is_still_an_incident(make_doc) -> None:
    text = "A boy was killed on Monday when a rifle went off in the cab of a pickup, deputies said. Three friends died in a crash last year."
    assert _mains(_incidents(make_doc, text, "2024-06-11"))


def test_a_reaction_to_several_attacks_has_no_main_incident(make_doc) -> None:
    text = (
        "Regional bloc condemns attacks in two countries\n\n"
        "The chairperson of the regional commission condemned on Thursday the attacks that hit a market town "
        "on 3 June and a border village on 6 June, which killed at least 30 civilians.\n\n"
        "He expressed his solidarity with the governments and his condolences to the families."
    )
    assert _mains(_incidents(make_doc, text, "2024-06-13")) == []


def test_a_report_with_a_condemnation_keeps_its_incident(make_doc) -> None:
    text = (
        "Gunmen attacked a market in the town on Sunday, killing five traders, officials said.\n\n"
        "The governor condemned the attacks and promised that the killers would be found."
    )
    assert _mains(_incidents(make_doc, text, "2024-06-10"))


OTHER_EVENTS = (
    "Gunmen attacked the market of Northtown on Tuesday, killing five traders, officials said.\n\n"
    "In a separate attack on Monday in a nearby village, gunmen killed 12 people.\n\n"
    "Days earlier, a bomb exploded at a checkpoint, killing seven soldiers. Two civilians were also wounded.\n\n"
    "On Sunday in Southtown, assailants killed nine herders, residents said."
)


def _place(text: str, name: str, lat: float) -> Place:
    start = OTHER_EVENTS.index(name)
    return Place(text=name, name=name, country="ML", lat=lat, lon=1.0, precision=PlacePrecision.TOWN, start=start, end=start + len(name))


def test_another_event_retold_near_the_incident_day_keeps_its_figures(make_doc) -> None:
    """A day near the incident's does not make a retold attack the incident's: "in a separate attack", "Days
    earlier, ..." and an earlier day in another town ("On Sunday in X, ...") tell other events."""
    doc = make_doc(OTHER_EVENTS, "2024-06-12", places=(_place(OTHER_EVENTS, "Northtown", 15.0), _place(OTHER_EVENTS, "Southtown", 14.0)))
    settings = Settings()
    for name in ("temporal.rules.v1", "events.rules.v1", "casualties.rules.v1"):
        spec = get_stage(name)
        doc = spec.func(doc, getattr(settings, spec.section))
    main = [i for i in doc.incidents if i.role == "main"]
    assert [(c.figure, c.value) for c in main[0].claims] == [("killed", 5)]
    background = {(c.figure, c.value) for i in doc.incidents if i.role == "background" for c in i.claims}
    assert background == {("killed", 12), ("killed", 7), ("injured", 2), ("killed", 9)}


@pytest.mark.parametrize(
    "text,self_claim",
    [
        ('The group claimed the attack, saying its fighters had "killed 17 apostate soldiers".', True),
        ("The militants claimed to have killed 12 policemen.", True),
        ("The army said its men had killed 20 militants.", False),  # a state's claim of enemy losses is kept
    ],
)
def test_perpetrators_own_toll_is_a_self_claim(text: str, self_claim: bool) -> None:
    claims = [c for c in find_claims(text) if c.figure == "killed"]
    assert len(claims) == 1 and claims[0].self_claim is self_claim


@pytest.mark.parametrize(
    "text,expected",
    [
        # a period's or a city's total is no claim of the incident
        ("There have been 131 people wounded by gunshots in the city so far this year.", []),
        ("More than 3,290 people have been injured in those shootings.", []),
        ("Four people were killed and seven injured in shootings across the city.", []),
        # one victim wounded, in the forms local news uses
        ("A 16-year-old girl suffered minor injuries.", [("injured", "civilians", 1)]),
        ("Police said the man suffered a gunshot wound.", [("injured", "civilians", 1)]),
        ("Police said the child was shot in the arm near the park.", [("injured", "civilians", 1)]),
        ("Police said he was shot and taken to a local hospital.", [("injured", "unknown", 1)]),
        ("Police said her father was wounded.", [("injured", "civilians", 1)]),
        # a hit named one by one is not added to the report's count of people shot
        ("A gunman shot three people. Police said a man was shot in the leg.", [("injured", "unknown", 3)]),
        # a comma alone joins no list of victims
        ("According to the mother, the girl is in stable condition.", [("injured", "civilians", 1)]),
        # two victims after "the murders of"
        ("An arrest was made in the murders of a 26-year-old woman and her 4-year-old daughter.", [("killed", "civilians", 2)]),
    ],
)
def test_local_news_forms(text: str, expected: list[tuple[str, str, int | None]]) -> None:
    assert _claims(text) == expected
