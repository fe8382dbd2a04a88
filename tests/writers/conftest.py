"""Hand-built fused incidents for the writer tests, modelled on examples/kosovo-2023.

``kosovo`` gives the Banjska attack (four reports, one undated; killed 4 = security forces 1 + attackers 3;
injured 1 vs 3; 6 arrested; Kurti accuses, Vucic denies) and the one-report Mitrovica clash of 2022-07-31,
with the reports' texts, so every claim's offsets point at its words.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from eventlens.model import (
    Actor,
    BackgroundMention,
    Disagreement,
    DisagreementValue,
    DocumentLink,
    Figure,
    FigureRange,
    Incident,
    IncidentQuote,
    Location,
    Revision,
    SourceClaim,
    SourceReport,
)

VUCIC, SITE, DIPLOMACY, KURTI, MITROVICA = (
    "3609e46088015dbc",
    "3e33f2e89cfbfcf7",
    "b3ecd6fbb61ce35f",
    "37793ecb42258a61",
    "90c5fa571e5b1754",
)

TEXTS = {
    VUCIC: (
        "Serbian President Aleksandar Vucic announced this on September 24 during a press conference.\n\n"
        "He also indicated that during the Kosovo police operation, three Serbs were killed, two from sniper weapons.\n\n"
        "As a result of the shootout, two employees received bullet wounds and were taken to hospital, one of them died.\n\n"
        "A new round of aggravation began on May 26 in Zvecan, resulting in over 50 people being injured."
    ),
    SITE: (
        "The violence erupted in the village of Banjska, where a police officer was killed and another injured in a shooting. "
        "Prime Minister Albin Kurti claimed that these incidents were supported by officials in neighboring Serbia. "
        "A statement attributed to the gunmen claimed they had killed five officers."
    ),
    DIPLOMACY: (
        "The warning followed Sunday's clashes in the village of Banjské in northern Kosovo.\n\n"
        "Three of the armed attackers were killed, while six people were arrested.\n\n"
        "Serbian President Aleksandar Vucic denied any connection with the group."
    ),
    KURTI: (
        "One police officer died and another was injured this Sunday morning (24) as a result of an armed attack.\n\n"
        "According to the same statement, a police officer was killed and three others were injured, one of them seriously.\n\n"
        "\u201cOrganized crime with official political, financial and logistical support from Belgrade is attacking our country\u201d, "
        "wrote the prime minister."
    ),
    MITROVICA: (
        "On Sunday, July 31, armed clashes began in Mitrovica in northern Kosovo. Local residents heard gunfire.\n\n"
        "He asked the parties to remain calm."
    ),
}
PUBLISHED = {VUCIC: "2023-09-24", SITE: "2023-09-24", DIPLOMACY: None, KURTI: "2023-09-25", MITROVICA: "2022"}
RECORDED = "2024-01-02T03:04:05+00:00"


def _sentence_with(doc_id: str, words: str) -> str:
    text = TEXTS[doc_id]
    at = text.index(words)
    start = max(text.rfind("\n\n", 0, at), text.rfind(". ", 0, at) + 1, 0)
    end = min(i for i in (text.find("\n\n", at), text.find(". ", at) + 1, len(text)) if i > 0)
    return text[start:end].strip()


def claim(doc_id: str, words: str, figure: str, group: str, value: int | None, **extra: object) -> SourceClaim:
    """A SourceClaim whose offsets point at ``words`` in the report's text."""
    start = TEXTS[doc_id].index(words)
    return SourceClaim(
        doc_id=doc_id,
        published=PUBLISHED[doc_id],
        figure=figure,
        group=group,
        value=value,
        attributed_to=str(extra.pop("attributed_to", "outlet")),
        sentence=_sentence_with(doc_id, words),
        start=start,
        end=start + len(words),
        **extra,  # type: ignore[arg-type]
    )


def quote(doc_id: str, words: str, speaker: str, stance: str, target: str | None = None) -> IncidentQuote:
    start = TEXTS[doc_id].index(words)
    return IncidentQuote(
        doc_id=doc_id,
        speaker=speaker,
        stance=stance,
        target=target,
        text=words,
        direct=False,
        start=start,
        end=start + len(words),
    )


def banjska() -> Incident:
    killed_sf = [
        claim(VUCIC, "one of them died", "killed", "security_forces", 1),
        claim(SITE, "a police officer was killed", "killed", "security_forces", 1),
        claim(KURTI, "One police officer died", "killed", "security_forces", 1),
    ]
    killed_att = [
        claim(VUCIC, "three Serbs were killed", "killed", "attackers", 3, attributed_to="Aleksandar Vucic"),
        claim(DIPLOMACY, "Three of the armed attackers were killed", "killed", "attackers", 3),
    ]
    injured = [
        claim(SITE, "another injured", "injured", "security_forces", 1),
        claim(KURTI, "another was injured", "injured", "security_forces", 1),
        claim(KURTI, "three others were injured", "injured", "security_forces", 3),
    ]
    arrested = [claim(DIPLOMACY, "six people were arrested", "arrested", "unknown", 6)]
    figures = {
        "killed": Figure(
            low=1,
            best=4,
            high=4,
            by_group={
                "security_forces": FigureRange(low=1, best=1, high=1),
                "attackers": FigureRange(low=3, best=3, high=3),
            },
            claims=(*killed_sf, *killed_att),
            rule="sum of the latest figure per victim group (security forces 1 + attackers 3)",
        ),
        "injured": Figure(
            low=1,
            best=1,
            high=3,
            by_group={"security_forces": FigureRange(low=1, best=1, high=3)},
            claims=tuple(injured),
            rule="latest report's figure",
        ),
        "arrested": Figure(
            low=6,
            best=6,
            high=6,
            by_group={"unknown": FigureRange(low=6, best=6, high=6)},
            claims=tuple(arrested),
            rule="one source",
        ),
    }
    provenance = (
        SourceReport(
            doc_id=VUCIC,
            role="main",
            published=PUBLISHED[VUCIC],
            outlet="TASS",
            title="Vucic: Serbia will never recognize Kosovo",
            reported=("killed", "killed:attackers", "killed:security_forces"),
            left_out=("injured", "arrested"),
            actor_terms=("Serbs",),
            speakers=("Aleksandar Vucic",),
        ),
        SourceReport(
            doc_id=SITE,
            role="main",
            published=PUBLISHED[SITE],
            outlet="Kosovo Online",
            title="Gunfire Heard in Northern Kosovo, Killing Police Officer",
            reported=("killed", "killed:security_forces", "injured"),
            left_out=("arrested",),
            actor_terms=("gunmen",),
            speakers=("Albin Kurti",),
        ),
        SourceReport(
            doc_id=DIPLOMACY,
            role="main",
            published=None,
            outlet=None,
            title="Head of Italian diplomacy: We are working to strengthen the presence of KFOR",
            reported=("killed", "killed:attackers", "arrested"),
            left_out=("injured",),
            actor_terms=("armed attackers",),
            speakers=("Aleksandar Vucic",),
        ),
        SourceReport(
            doc_id=KURTI,
            role="main",
            published=PUBLISHED[KURTI],
            outlet="Folha",
            title=None,
            reported=("killed", "injured"),
            left_out=("arrested",),
            actor_terms=("Serbs",),
            speakers=("Albin Kurti",),
        ),
    )
    revisions = (
        Revision(
            seq=1,
            doc_ids=(VUCIC,),
            published=PUBLISHED[VUCIC],
            recorded=RECORDED,
            sources=1,
            date="2023-09-24",
            location="Banjska",
            figures={"killed": FigureRange(low=4, best=4, high=4)},
            changed=("date", "location", "killed"),
        ),
        Revision(
            seq=2,
            doc_ids=(SITE,),
            published=PUBLISHED[SITE],
            recorded=RECORDED,
            sources=2,
            date="2023-09-24",
            location="Banjska",
            figures={"killed": FigureRange(low=1, best=4, high=4), "injured": FigureRange(low=1, best=1, high=1)},
            changed=("injured",),
        ),
        Revision(
            seq=3,
            doc_ids=(KURTI,),
            published=PUBLISHED[KURTI],
            recorded=RECORDED,
            sources=3,
            date="2023-09-24",
            location="Banjska",
            figures={"killed": FigureRange(low=1, best=4, high=4), "injured": FigureRange(low=1, best=1, high=3)},
            changed=("injured",),
        ),
        Revision(
            seq=4,
            doc_ids=(DIPLOMACY,),
            published=None,
            recorded=RECORDED,
            sources=4,
            date="2023-09-24",
            location="Banjska",
            figures={
                "killed": FigureRange(low=1, best=4, high=4),
                "injured": FigureRange(low=1, best=1, high=3),
                "arrested": FigureRange(low=6, best=6, high=6),
            },
            changed=("arrested",),
            note="undated report placed last by its figures",
        ),
    )
    return Incident(
        id=f"inc_{VUCIC}",
        type="Battles",
        sub_type="Armed clash",
        plover_type="ASSAULT",
        category="attack",
        date="2023-09-24",
        date_precision="day",
        time_local="02:40",
        location=Location(
            name="Banjska",
            variants=("Banjska", "Banjske", "Banjské", "Banska"),
            admin1="Mitrovica",
            admin2="Zvečan",
            country="XK",
            lat=42.99,
            lon=20.79,
            precision="village",
        ),
        actors=(
            Actor(name="Serb armed group", role="actor1", kind="description"),
            Actor(name="Serbian criminal gangs", role="actor1", kind="description"),
            Actor(name="Kosovo Police", role="actor2", kind="ORG"),
        ),
        sources=(VUCIC, SITE, KURTI, DIPLOMACY),
        figures=figures,
        quotes=(
            quote(
                SITE,
                "these incidents were supported by officials in neighboring Serbia",
                "Albin Kurti",
                "accusation",
                "Serbia",
            ),
            quote(
                KURTI,
                "Organized crime with official political, financial and logistical support from Belgrade is attacking our country",
                "Albin Kurti",
                "accusation",
                "Belgrade",
            ),
            quote(DIPLOMACY, "any connection with the group", "Aleksandar Vucic", "denial"),
            quote(VUCIC, "three Serbs were killed, two from sniper weapons", "Aleksandar Vucic", "claim"),
        ),
        disagreements=(
            Disagreement(
                field="injured",
                group="security_forces",
                values=(
                    DisagreementValue(
                        value=1, doc_ids=(SITE, KURTI), sentences=(injured[0].sentence, injured[1].sentence)
                    ),
                    DisagreementValue(value=3, doc_ids=(KURTI,), sentences=(injured[2].sentence,)),
                ),
                within_source=(KURTI,),
            ),
            Disagreement(
                field="location",
                values=(
                    DisagreementValue(value="Banjska", doc_ids=(SITE, DIPLOMACY)),
                    DisagreementValue(value="Banska", doc_ids=(VUCIC,)),
                ),
                note="spellings of one village",
            ),
        ),
        background=(
            BackgroundMention(
                doc_id=VUCIC,
                date="2023-05-26",
                date_precision="day",
                type="Battles",
                sub_type="Armed clash",
                trigger="aggravation",
                place="Zvecan",
                cue="on May 26",
                sentence=_sentence_with(VUCIC, "over 50 people"),
                figures={"injured": 50},
            ),
        ),
        provenance=provenance,
        revisions=revisions,
        first_reported="2023-09-24",
        last_reported="2023-09-25",
        summary="Armed clash in Banjska, XK on 2023-09-24: 4 killed (best), 1 injured, 6 arrested; 4 reports.",
    )


def mitrovica() -> Incident:
    return Incident(
        id=f"inc_{MITROVICA}",
        type="Battles",
        sub_type="Armed clash",
        category="armed_clash",
        date="2022-07-31",
        date_precision="day",
        location=Location(
            name="Mitrovicë",
            variants=("Mitrovica",),
            admin1="Mitrovica",
            country="XK",
            lat=42.8833,
            lon=20.8667,
            precision="town",
        ),
        sources=(MITROVICA,),
        quotes=(quote(MITROVICA, "the parties to remain calm", "Aleksandar Vucic", "appeal"),),
        provenance=(
            SourceReport(
                doc_id=MITROVICA,
                role="main",
                published="2022",
                outlet="UNIAN",
                title="Shots and siren: armed clashes began on the border of Kosovo and Serbia – media",
            ),
        ),
        revisions=(
            Revision(
                seq=1,
                doc_ids=(MITROVICA,),
                published="2022",
                recorded=RECORDED,
                sources=1,
                date="2022-07-31",
                location="Mitrovicë",
                changed=("date", "location"),
            ),
        ),
        first_reported="2022",
        last_reported="2022",
        summary="Armed clash in Mitrovicë, XK on 2022-07-31; 1 report.",
    )


def documents() -> tuple[DocumentLink, ...]:
    banjska_id, mitrovica_id = f"inc_{VUCIC}", f"inc_{MITROVICA}"
    links = [
        DocumentLink(
            doc_id=doc_id,
            path=f"examples/kosovo-2023/{n:03d}.txt",
            status="processed",
            published=PUBLISHED[doc_id],
            main_incident=banjska_id if doc_id != MITROVICA else mitrovica_id,
        )
        for n, doc_id in enumerate((VUCIC, SITE, DIPLOMACY, KURTI, MITROVICA))
    ]
    return tuple(links)


@dataclass(frozen=True)
class Kosovo:
    banjska: Incident
    mitrovica: Incident
    documents: tuple[DocumentLink, ...]
    texts: dict[str, str]
    ids: dict[str, str]

    @property
    def incidents(self) -> tuple[Incident, ...]:
        return (self.banjska, self.mitrovica)

    @staticmethod
    def claim(doc_id: str, words: str, figure: str, group: str, value: int | None, **extra: object) -> SourceClaim:
        """A SourceClaim whose offsets point at ``words`` in one of the reports."""
        return claim(doc_id, words, figure, group, value, **extra)


@pytest.fixture
def kosovo() -> Kosovo:
    """The example corpus's two incidents, its document links, the reports' texts and their doc ids by name."""
    ids = {"vucic": VUCIC, "site": SITE, "diplomacy": DIPLOMACY, "kurti": KURTI, "mitrovica": MITROVICA}
    return Kosovo(banjska(), mitrovica(), documents(), dict(TEXTS), ids)
