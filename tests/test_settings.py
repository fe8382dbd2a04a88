"""Settings: every field documented (Datasette's test_docs idea), partial files change only their keys,
unknown keys raise ConfigError with a suggestion and the valid keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from eventlens.errors import ConfigError
from eventlens.settings import Settings, load_settings, parse_set


def _sections() -> list[tuple[str, type[BaseModel]]]:
    return [(name, field.annotation) for name, field in Settings.model_fields.items()]  # type: ignore[misc]


@pytest.mark.parametrize("section,model", _sections(), ids=[name for name, _ in _sections()])
def test_every_setting_has_a_description_and_a_default(section: str, model: type[BaseModel]) -> None:
    assert issubclass(model, BaseModel)
    for key, field in model.model_fields.items():
        assert field.description and len(field.description) > 10, f"{section}.{key} has no description"
        assert not field.is_required(), f"{section}.{key} has no default"


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.ingest.max_bytes = 5  # type: ignore[misc]


def test_partial_toml_changes_only_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "eventlens.toml"
    path.write_text("[ingest]\nmax_bytes = 50_000_000\n\n[dedup]\nthreshold = 0.8\n", encoding="utf-8")
    settings = load_settings(path)
    defaults = Settings().model_dump()
    changed = settings.model_dump()
    assert changed["ingest"]["max_bytes"] == 50_000_000
    assert changed["dedup"]["threshold"] == 0.8
    changed["ingest"]["max_bytes"] = defaults["ingest"]["max_bytes"]
    changed["dedup"]["threshold"] = defaults["dedup"]["threshold"]
    assert changed == defaults


def test_set_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "eventlens.toml"
    path.write_text("[dedup]\nthreshold = 0.8\nnum_perm = 128\n", encoding="utf-8")
    settings = load_settings(path, ["dedup.threshold=0.9", "pipeline.strict=true"])
    assert (settings.dedup.threshold, settings.dedup.num_perm, settings.pipeline.strict) == (0.9, 128, True)


def test_merged_leaves_the_original_alone() -> None:
    base = Settings()
    merged = base.merged({"clean": {"min_text_chars": 5}})
    assert merged.clean.min_text_chars == 5
    assert base.clean.min_text_chars == Settings().clean.min_text_chars


@pytest.mark.parametrize(
    "overrides,names",
    [
        ({"ingest": {"max_byte": 1}}, ["'max_byte'", "Did you mean 'max_bytes'?", "min_encoding_coherence"]),
        ({"dedupe": {"threshold": 0.5}}, ["'dedupe'", "Did you mean 'dedup'?", "ingest", "pipeline"]),
    ],
)
def test_unknown_key_raises_with_a_suggestion(overrides: dict, names: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        Settings().merged(overrides)
    message = str(info.value)
    assert "\n" not in message
    for name in names:
        assert name in message


def test_unknown_key_in_a_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "eventlens.toml"
    path.write_text("[clean]\nmax_label_word = 4\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_label_words"):
        load_settings(path)


@pytest.mark.parametrize(
    "content,fragment",
    [
        ("[ingest\nmax_bytes = 1", "not valid TOML"),
        ("ingest = 5\n", "must be a table"),
        ("[ingest]\nmax_bytes = -1\n", "ingest.max_bytes"),
    ],
)
def test_bad_files_raise_config_error(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "eventlens.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=fragment.replace(".", r"\.")):
        load_settings(path)


def test_missing_file_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    "pair,expected",
    [
        ("ingest.max_bytes=500", {"ingest": {"max_bytes": 500}}),
        ("dedup.threshold=0.75", {"dedup": {"threshold": 0.75}}),
        ("pipeline.strict=true", {"pipeline": {"strict": True}}),
        ("metadata.note=some text", {"metadata": {"note": "some text"}}),
    ],
)
def test_parse_set(pair: str, expected: dict) -> None:
    assert parse_set([pair]) == expected


@pytest.mark.parametrize("pair", ["max_bytes=5", "ingest.=5", "ingest.max_bytes"])
def test_parse_set_rejects_malformed_pairs(pair: str) -> None:
    with pytest.raises(ConfigError, match="section.key=value"):
        parse_set([pair])


# -- issue 16: settings that name a file are checked when settings load -------------------------

PLACES_HEADER = "name,lat,lon,country,admin1,kind,population,alternate_names\n"


@pytest.mark.issue(16)
def test_a_good_places_csv_loads(tmp_path: Path) -> None:
    csv = tmp_path / "extra.csv"
    csv.write_text(PLACES_HEADER + "Dolnjarevo,42.95,20.85,XK,,village,300,Dolnjarevë\n", encoding="utf-8")
    assert load_settings(sets=[f"geocode.extra_gazetteer={csv}"]).geocode.extra_gazetteer == str(csv)
    assert load_settings(sets=["geocode.extra_gazetteer="]).geocode.extra_gazetteer is None  # empty is unset


@pytest.mark.issue(16)
@pytest.mark.parametrize(
    "content,fragment",
    [
        (None, "no such file"),
        ("name,latitude,longitude\nX,1,2\n", "missing required column(s) lat, lon"),
        (PLACES_HEADER + "Dolnjarevo,42.95,20.85,XK,,village,300,\nGornje,north,20.8,XK,,village,,\n", "line 3: lat 'north' is not a number"),
        (PLACES_HEADER + "Dolnjarevo,142.95,20.85,XK,,village,300,\n", "line 2: lat 142.95 is outside [-90, 90]"),
        (PLACES_HEADER + "Dolnjarevo,42.95,20.85,XK,,village,many,\n", "line 2: population 'many' is not a whole number"),
        (b"name,lat,lon\nPri\xe8tina,42.6,21.1\n", "not UTF-8"),
    ],
    ids=["missing", "columns", "lat", "range", "population", "encoding"],
)
def test_a_bad_places_csv_is_one_config_error_naming_it(tmp_path: Path, content: str | bytes | None, fragment: str) -> None:
    csv = tmp_path / "extra.csv"
    if isinstance(content, bytes):
        csv.write_bytes(content)
    elif content is not None:
        csv.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(sets=[f"geocode.extra_gazetteer={csv}"])
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"invalid setting geocode.extra_gazetteer: {csv}")
    assert fragment in message


@pytest.mark.issue(16)
def test_a_spacy_model_that_is_not_installed_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="entities.model: 'en_core_web_nonesuch' is neither an installed"):
        load_settings(sets=["entities.model=en_core_web_nonesuch"])
    (tmp_path / "model").mkdir()
    assert load_settings(sets=[f"entities.model={tmp_path / 'model'}"]).entities.model == str(tmp_path / "model")


@pytest.mark.issue(16)
def test_settings_toml_has_every_description_and_loads_back(tmp_path: Path) -> None:
    import tomllib

    from eventlens.settings import settings_toml

    changed = load_settings(sets=["dedup.threshold=0.8", "ingest.extensions=[\".txt\"]"])
    text = settings_toml(changed)
    flat = " ".join(line.removeprefix("# ") for line in text.splitlines() if line.startswith("#"))
    for section, model in _sections():
        assert f"[{section}]" in text
        for key, field in model.model_fields.items():
            assert " ".join(field.description.split()) in flat, f"{section}.{key}"
    assert "# (default: 0.7)\nthreshold = 0.8" in text
    assert "# extra_gazetteer is not set" in text
    path = tmp_path / "shown.toml"
    path.write_text(text, encoding="utf-8")
    assert load_settings(path) == changed
    assert Settings().merged(tomllib.loads(settings_toml())) == Settings()
