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
