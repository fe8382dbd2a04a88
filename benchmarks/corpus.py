"""A deterministic generator of news-like text documents for the ingest benchmarks.

Document ``i`` depends only on ``(seed, i)``, so the first N documents of a 10,000-document corpus are
exactly the N-document corpus: every size in the scaling benchmark is a prefix of the largest.

Each document is a headline and 300-900 words of news-report paragraphs built from templates
(floods, fires, protests, earthquakes, clashes, strikes, storms), with page furniture some of the
time: navigation labels at the top or bottom, a ``date YYYY-MM-DD`` header, photo captions,
a copyright line, a reader-comment section. About 1% are exact duplicates of an earlier document
(same bytes) and about 3% are near-duplicates (the same report with other furniture, a changed
headline and sometimes a paragraph fewer), the way syndicated copies look.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

__all__ = ["DEFAULT_SEED", "Spec", "generate", "spec_of", "text_of", "to_minimal_html", "write_jsonl", "write_txt_folder"]

DEFAULT_SEED = 20240611
EXACT_DUPLICATE_RATE = 0.01
NEAR_DUPLICATE_RATE = 0.03
_FIRST_COPY = 20  # documents before this index are always originals
_MIN_WORDS, _MAX_WORDS = 300, 900

_CITIES = [
    "Pristina", "Mitrovica", "Prizren", "Skopje", "Tetovo", "Belgrade", "Novi Sad", "Sarajevo", "Mostar",
    "Tirana", "Durres", "Shkoder", "Podgorica", "Zagreb", "Split", "Ljubljana", "Thessaloniki", "Sofia",
    "Plovdiv", "Bucharest", "Cluj-Napoca", "Chisinau", "Odesa", "Kharkiv", "Izmir", "Antalya", "Valencia",
    "Porto", "Lyon", "Marseille", "Naples", "Palermo", "Bari", "Gdansk", "Wroclaw", "Brno", "Kosice",
]
_COUNTRIES = [
    "Kosovo", "North Macedonia", "Serbia", "Bosnia and Herzegovina", "Albania", "Montenegro", "Croatia",
    "Slovenia", "Greece", "Bulgaria", "Romania", "Moldova", "Ukraine", "Turkey", "Spain", "Portugal",
    "France", "Italy", "Poland", "Czech Republic", "Slovakia",
]
_REGIONS = ["northern", "southern", "eastern", "western", "central", "coastal", "mountainous", "border"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]
_FIRST = [
    "Arben", "Elira", "Marko", "Jelena", "Dritan", "Ana", "Nikola", "Besa", "Ivan", "Mira", "Luan",
    "Sofia", "Petar", "Teuta", "Goran", "Vesna", "Ilir", "Maria", "Stefan", "Lejla", "Andrei", "Elena",
]
_LAST = [
    "Krasniqi", "Petrovic", "Hoxha", "Jovanovic", "Berisha", "Popescu", "Kovac", "Gashi", "Nikolic",
    "Shala", "Horvat", "Dimitrov", "Marin", "Novak", "Rexhepi", "Stojanovic", "Ionescu", "Bajrami",
]
_ROLES = [
    "spokesperson for the regional police", "deputy mayor", "local resident", "shop owner",
    "emergency services coordinator", "hospital director", "union representative", "school teacher",
    "member of parliament", "civil protection official", "volunteer with the Red Cross", "farmer",
]
_ORGS = [
    "the Interior Ministry", "the Ministry of Health", "the civil protection agency", "the regional police",
    "the municipal council", "the national weather service", "the Red Cross", "the fire brigade",
    "the prosecutor's office", "the OSCE mission", "the United Nations office", "the transport ministry",
]
_OUTLETS = [
    "Balkan Daily", "The Adriatic Post", "Morning Herald", "Regional Observer", "Daily Courier",
    "Eastern Wire", "City Gazette", "The Evening Ledger", "Danube Times", "Coastline News",
]
_AGENCIES = ["Reuters", "AFP", "AP", "EPA", "Anadolu", "Getty Images", "Beta", "KosovaPress"]

# topic -> (headline templates, event nouns, casualty verbs, scene descriptions, follow-up actions)
_TOPICS: dict[str, dict[str, list[str]]] = {
    "flood": {
        "head": ["Floods force {n} families from their homes in {city}", "Heavy rain floods streets of {city}",
                 "River bursts its banks near {city}, {n} evacuated"],
        "event": ["flash floods", "the river bursting its banks", "two days of torrential rain", "a dam overflow"],
        "verb": ["evacuated", "rescued from rooftops", "left without drinking water", "moved to shelters"],
        "scene": ["cars half submerged in brown water", "boats moving between the houses",
                  "families carrying furniture to the upper floors", "fields turned into lakes"],
        "action": ["opened emergency shelters in schools", "sent army trucks to the worst-hit villages",
                   "declared a state of emergency in three municipalities", "asked residents to boil tap water"],
    },
    "fire": {
        "head": ["Wildfire near {city} destroys {n} houses", "Firefighters battle blaze outside {city}",
                 "{n} hectares burnt as fire spreads towards {city}"],
        "event": ["a wildfire", "a fire at a warehouse", "a forest fire fanned by strong winds", "a blaze in a market"],
        "verb": ["evacuated", "treated for smoke inhalation", "injured", "left homeless"],
        "scene": ["thick smoke over the hills", "water-bombing planes circling above the valley",
                  "charred cars along the road", "volunteers passing buckets of water"],
        "action": ["closed the main road to traffic", "requested firefighting aircraft from neighbouring countries",
                   "opened an investigation into the cause", "banned open fires for the rest of the month"],
    },
    "protest": {
        "head": ["Thousands protest in {city} over rising prices", "Police and protesters clash in {city}",
                 "{n} detained after demonstration in {city}"],
        "event": ["a demonstration against rising prices", "a protest over a new mining law",
                  "a march organised by opposition parties", "a rally by striking workers"],
        "verb": ["detained", "injured", "questioned by police", "treated by paramedics"],
        "scene": ["crowds filling the main square", "riot police lined up in front of the government building",
                  "protesters waving national flags", "tear gas drifting across the boulevard"],
        "action": ["called for talks with the organisers", "promised to review the law",
                   "announced a second protest for next week", "released most of those detained overnight"],
    },
    "quake": {
        "head": ["Earthquake of magnitude {mag} shakes {city}", "Strong quake damages buildings in {city}",
                 "{n} injured as earthquake hits {region} {country}"],
        "event": ["an earthquake of magnitude {mag}", "a series of aftershocks", "a shallow earthquake"],
        "verb": ["injured", "trapped under rubble", "hospitalised", "left without shelter"],
        "scene": ["cracks running up the walls of apartment blocks", "people sleeping in their cars",
                  "rescue dogs searching the ruins", "fallen bricks covering the pavement"],
        "action": ["sent engineers to inspect schools and hospitals", "set up tents in the city stadium",
                   "asked residents not to return to damaged buildings", "closed schools for the rest of the week"],
    },
    "clash": {
        "head": ["Shooting at checkpoint near {city} leaves {n} wounded", "Tensions rise after clash near {city}",
                 "{n} police officers hurt in clash in {region} {country}"],
        "event": ["an exchange of fire at a border checkpoint", "a clash between police and an armed group",
                  "an attack on a police patrol", "an explosion near a municipal building"],
        "verb": ["wounded", "killed", "arrested", "injured"],
        "scene": ["armoured vehicles blocking the bridge", "shops closed along the main street",
                  "investigators collecting shell casings", "residents watching from their balconies"],
        "action": ["reinforced the border crossings", "called an emergency meeting of the security council",
                   "urged both sides to show restraint", "opened a criminal investigation"],
    },
    "strike": {
        "head": ["Transport strike paralyses {city}", "Teachers strike across {country} for a {n} percent raise",
                 "Miners in {city} go on strike"],
        "event": ["a general strike", "a walkout by bus drivers", "a strike by hospital staff", "a miners' strike"],
        "verb": ["stranded", "sent home", "left without services", "affected"],
        "scene": ["empty bus stations", "picket lines outside the factory gates",
                  "commuters queuing for taxis", "closed classrooms with notes on the doors"],
        "action": ["invited the unions to negotiations", "threatened to dock the strikers' pay",
                   "offered a smaller raise", "asked the courts to rule on the legality of the strike"],
    },
    "storm": {
        "head": ["Storm cuts power to {n} homes around {city}", "Hurricane-force winds hit {city}",
                 "Snowstorm traps drivers on roads near {city}"],
        "event": ["a storm with winds of up to {n} kilometres per hour", "a heavy snowstorm", "hailstorms"],
        "verb": ["left without electricity", "injured by falling trees", "stranded on the motorway", "evacuated"],
        "scene": ["uprooted trees lying across the roads", "roofs torn off houses",
                  "snowploughs working through the night", "power lines hanging over the streets"],
        "action": ["deployed repair crews from other regions", "closed the mountain passes",
                   "issued a red weather warning", "opened heated shelters for stranded drivers"],
    },
}

_QUOTES = [
    "We have never seen anything like this in our village",
    "The situation is under control, but we ask people to stay calm",
    "Our teams have been working without a break since the early morning",
    "Nobody warned us, we only had a few minutes to leave",
    "We will not stop until our demands are heard",
    "Everything we built over twenty years is gone",
    "The numbers may rise as we reach the more remote areas",
    "It is too early to say what caused it",
]
_NAV_TOP = ["Home", "News", "Latest News", "Menu", "Breaking News", "Region", "World", "Politics"]
_NAV_BOTTOM = ["Related news", "Share", "Tags", "Read more", "More news", "Most read", "Subscribe"]
_COMMENTERS = ["Agim", "Dragan", "Marta", "Blerim", "Zoran", "Ema", "guest123", "Valon", "Nada"]
_COMMENT_TEXTS = [
    "This happens every year and nobody does anything about it.",
    "My thoughts are with the families affected.",
    "Why is the government always so slow to react?",
    "Thank you for the reporting, we need more of this.",
    "The figures in the article do not match what the local TV said.",
]


@dataclass(frozen=True, slots=True)
class Spec:
    """How document ``index`` is made: which body, which furniture, and whether it is a copy."""

    index: int
    body: int  # the document whose body (report) this one carries
    furniture: int  # the document whose page furniture this one carries
    kind: str  # "original", "exact_duplicate" or "near_duplicate"


def _rng(seed: int, *parts: object) -> random.Random:
    # A string seed is hashed with SHA-512 by random.Random: stable across runs and PYTHONHASHSEED.
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def spec_of(index: int, seed: int = DEFAULT_SEED) -> Spec:
    """The recipe of document ``index`` (depends only on ``seed`` and ``index``)."""
    rng = _rng(seed, "spec", index)
    roll = rng.random()
    if index >= _FIRST_COPY and roll < EXACT_DUPLICATE_RATE:
        source = spec_of(rng.randrange(index), seed)
        return Spec(index, source.body, source.furniture, "exact_duplicate")
    if index >= _FIRST_COPY and roll < EXACT_DUPLICATE_RATE + NEAR_DUPLICATE_RATE:
        source = spec_of(rng.randrange(index), seed)
        return Spec(index, source.body, index, "near_duplicate")
    return Spec(index, index, index, "original")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _fill(rng: random.Random, template: str, ctx: dict[str, str]) -> str:
    return template.format(
        n=rng.choice([3, 5, 7, 12, 15, 20, 35, 40, 60, 120, 250, 1200]),
        mag=f"{rng.uniform(4.0, 6.8):.1f}",
        **ctx,
    )


def _sentence(rng: random.Random, topic: dict[str, list[str]], ctx: dict[str, str]) -> str:
    person = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    n = rng.choice([2, 3, 4, 6, 9, 11, 14, 17, 23, 31, 48, 75, 130, 400])
    templates = [
        lambda: f"{_cap(rng.choice(_ORGS))} said on {ctx['weekday']} that {n} people had been "
        f"{rng.choice(topic['verb'])} after {_fill(rng, rng.choice(topic['event']), ctx)} near {ctx['city']}.",
        lambda: f"According to {rng.choice(_ORGS)}, at least {n} people were {rng.choice(topic['verb'])} "
        f"in the {ctx['region']} part of {ctx['country']} by {ctx['weekday']} evening.",
        lambda: f"“{rng.choice(_QUOTES)},” said {person}, {_a(rng.choice(_ROLES))}, speaking to reporters in {ctx['city']}.",
        lambda: f"{person}, {_a(rng.choice(_ROLES))}, told {rng.choice(_OUTLETS)} that {rng.choice(_QUOTES).lower()}.",
        lambda: f"Television footage showed {rng.choice(topic['scene'])} and {rng.choice(topic['scene'])}.",
        lambda: f"Witnesses described {rng.choice(topic['scene'])} on the outskirts of the town.",
        lambda: f"The authorities {rng.choice(topic['action'])} and {rng.choice(topic['action'])}.",
        lambda: f"On {ctx['weekday']}, officials {rng.choice(topic['action'])}, a statement from "
        f"{rng.choice(_ORGS)} said.",
        lambda: f"It was the {rng.choice(['second', 'third', 'worst', 'largest'])} such incident in the "
        f"{ctx['region']} region since {rng.choice(_MONTHS)} {rng.randint(2015, 2023)}.",
        lambda: f"Local media reported that {n} {rng.choice(['houses', 'vehicles', 'shops', 'schools', 'bridges'])} "
        f"had been damaged, but the figure could not be independently verified.",
        lambda: f"The mayor of {ctx['city']} said the municipality would need about {n * 100_000:,} euros "
        f"to repair the damage.",
        lambda: f"Neighbouring {rng.choice(_COUNTRIES)} offered to send {n} specialists and equipment.",
        lambda: f"Schools in {ctx['city']} remained closed on {rng.choice(_WEEKDAYS)}, and several roads "
        f"were still blocked.",
        lambda: f"{_cap(rng.choice(_ORGS))} said it would publish a full report within {n} days.",
    ]
    return rng.choice(templates)()


def _body(seed: int, index: int) -> tuple[str, list[str], dict[str, str]]:
    """Headline, paragraphs and context of the report carried by document ``index``."""
    rng = _rng(seed, "body", index)
    topic_name = rng.choice(sorted(_TOPICS))
    topic = _TOPICS[topic_name]
    ctx = {
        "city": rng.choice(_CITIES),
        "country": rng.choice(_COUNTRIES),
        "region": rng.choice(_REGIONS),
        "weekday": rng.choice(_WEEKDAYS),
        "topic": topic_name,
    }
    headline = _fill(rng, rng.choice(topic["head"]), ctx)
    target = rng.randint(_MIN_WORDS, _MAX_WORDS - 60)  # the last sentence may overshoot by a few words
    paragraphs: list[str] = []
    current: list[str] = []
    size = rng.randint(2, 5)
    words = len(headline.split())
    while words < target:
        sentence = _sentence(rng, topic, ctx)
        current.append(sentence)
        words += len(sentence.split())
        if len(current) == size:
            paragraphs.append(" ".join(current))
            current, size = [], rng.randint(2, 5)
    if current:
        paragraphs.append(" ".join(current))
    return headline, paragraphs, ctx


def text_of(index: int, seed: int = DEFAULT_SEED) -> str:
    """The full text of document ``index``: headline, body paragraphs and page furniture."""
    spec = spec_of(index, seed)
    headline, paragraphs, ctx = _body(seed, spec.body)
    rng = _rng(seed, "furniture", spec.furniture)
    if spec.kind == "near_duplicate":
        headline = rng.choice(["UPDATE: ", "Breaking: ", "", "WATCH: "]) + headline
        if len(paragraphs) > 4 and rng.random() < 0.5:
            shorter = paragraphs[:-1]
            if sum(len(p.split()) for p in shorter) >= _MIN_WORDS:
                paragraphs = shorter
    outlet = rng.choice(_OUTLETS)
    lines: list[str] = []
    if rng.random() < 0.3:
        lines += rng.sample(_NAV_TOP, rng.randint(1, 3))
    if rng.random() < 0.25:
        lines.append(f"date {rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    lines.append(headline)
    lines.append("")
    caption_at = rng.randrange(1, len(paragraphs)) if rng.random() < 0.3 and len(paragraphs) > 1 else -1
    for number, para in enumerate(paragraphs):
        if number == caption_at:
            scene = rng.choice(_TOPICS[ctx["topic"]]["scene"])
            if rng.random() < 0.5:
                lines += [f"Photo: {rng.choice(_AGENCIES)} / {rng.choice(_FIRST)} {rng.choice(_LAST)}", ""]
            else:
                lines += [f"{_cap(scene)} in {ctx['city']} / Photo {rng.choice(_AGENCIES)}", ""]
        lines += [para, ""]
    if rng.random() < 0.15:
        count = rng.randint(1, 3)
        lines += [f"{count} comments", ""]
        for _ in range(count):
            lines += [f"{rng.choice(_COMMENTERS)} says:", rng.choice(_COMMENT_TEXTS), "Reply", ""]
        lines += ["Leave a reply", ""]
    if rng.random() < 0.4:
        lines.append(f"© {rng.randint(2019, 2024)} {outlet}. All rights reserved.")
    if rng.random() < 0.25:
        lines += rng.sample(_NAV_BOTTOM, rng.randint(1, 3))
    return "\n".join(lines).rstrip("\n") + "\n"


def generate(count: int, seed: int = DEFAULT_SEED) -> Iterator[tuple[Spec, str]]:
    """The first ``count`` documents, in order."""
    for index in range(count):
        yield spec_of(index, seed), text_of(index, seed)


def write_txt_folder(folder: Path, count: int, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write documents 0..count-1 as ``doc_NNNNN.txt``; returns counts of files, bytes and copy kinds."""
    folder.mkdir(parents=True, exist_ok=True)
    stats = {"files": 0, "bytes": 0, "words": 0, "original": 0, "exact_duplicate": 0, "near_duplicate": 0}
    for spec, text in generate(count, seed):
        data = text.encode("utf-8")
        (folder / f"doc_{spec.index:05d}.txt").write_bytes(data)
        stats["files"] += 1
        stats["bytes"] += len(data)
        stats["words"] += len(text.split())
        stats[spec.kind] += 1
    return stats


def link_prefix(source: Path, folder: Path, count: int) -> None:
    """Make ``folder`` hold the first ``count`` files of ``source`` (hard links when possible)."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        name = f"doc_{index:05d}.txt"
        try:
            os.link(source / name, folder / name)
        except OSError:
            (folder / name).write_bytes((source / name).read_bytes())


def write_jsonl(path: Path, count: int, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write documents 0..count-1 as one JSONL file with a ``text`` field per line."""
    stats = {"records": 0, "bytes": 0}
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for _spec, text in generate(count, seed):
            line = json.dumps({"text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            stats["records"] += 1
    stats["bytes"] = path.stat().st_size
    return stats


def to_minimal_html(text: str) -> str:
    """Wrap a text as ``<html><body><p>…</p>…</body></html>``, one ``<p>`` per non-empty line."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip())
    return f"<html><body>{paragraphs}</body></html>"
