"""The registry and the pipeline: requires/assigns checked at build time, strict mode, per-document
failures that never escape the batch, and a golden file pinning the built-in stages.

Regenerate the golden file with ``pytest tests/test_pipeline.py --update-golden`` (or
``python tests/test_pipeline.py``) and review the diff.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import catalogue
import pytest

from eventlens.errors import ConfigError, InputError
from eventlens.model import Document, Failure
from eventlens.pipeline import READER_ASSIGNS, Pipeline
from eventlens.registry import SLOTS, get_stage, registered_stages, stage
from eventlens.settings import PipelineSettings, Settings

GOLDEN_STAGES = Path(__file__).parent / "golden" / "stages.json"
BODY = "The harbour authority closed the port for two days after a storm damaged the main pier, officials said."


def stage_table() -> dict[str, dict[str, Any]]:
    """The registered stages as plain data: what the golden file pins."""
    return {
        name: {"slot": spec.slot, "requires": list(spec.requires), "assigns": list(spec.assigns)}
        for name, spec in registered_stages().items()
    }


@pytest.fixture
def register() -> Iterator[Callable[..., Callable[..., Any]]]:
    """``register(name, **stage_kwargs)(func)``: a test stage, removed from the registry afterwards."""
    names: list[str] = []

    def add(name: str, **kwargs: Any) -> Callable[..., Any]:
        names.append(name)
        return stage(name, **kwargs)

    yield add
    for name in names:
        catalogue._remove(("eventlens", "stages", name))


def _settings(stages: dict[str, str], *, strict: bool = False, batch_size: int = 64) -> Settings:
    return Settings(pipeline=PipelineSettings(stages=stages, strict=strict, batch_size=batch_size))


def _docs(make_doc, *texts: str) -> list[Document]:
    return [make_doc("", raw_text=text, path=f"doc{i}.txt") for i, text in enumerate(texts)]


# -- the registry ---------------------------------------------------------------------------


def test_registered_stages_match_the_golden_file(golden) -> None:
    golden("stages.json", stage_table())


def test_every_stage_is_documented_and_its_section_exists() -> None:
    fields = Settings.model_fields
    for name, spec in registered_stages().items():
        assert spec.slot in SLOTS, name
        assert (spec.func.__doc__ or "").strip(), f"stage {name} has no docstring"
        assert spec.section is None or spec.section in fields, f"stage {name}: no settings section {spec.section}"
        assert name.split(".")[-1].startswith("v"), f"stage {name} is not versioned"


def test_default_pipeline_builds_and_uses_registered_stages() -> None:
    pipeline = Pipeline()
    assert [spec.name for spec in pipeline.stages] == [
        Settings().pipeline.stages[slot] for slot in SLOTS if slot in Settings().pipeline.stages
    ]


def test_get_stage_unknown_name_lists_the_registered() -> None:
    with pytest.raises(ConfigError) as info:
        get_stage("clean.rules.v99")
    assert "clean.rules.v1" in str(info.value)


def test_register_rejects_an_unknown_slot() -> None:
    with pytest.raises(ConfigError, match="unknown slot 'scrub'"):
        stage("test.scrub.v1", slot="scrub")


def test_register_rejects_fields_that_are_not_document_fields() -> None:
    with pytest.raises(ConfigError, match="no_such_field"):
        stage("test.bad.v1", slot="quotes", requires=("no_such_field",))


def test_requires_nobody_assigns_names_the_stage(register) -> None:
    @register("test.needs_times.v1", slot="casualties", requires=("text", "times"), assigns=("places",))
    def needs_times(doc: Document, cfg: None) -> Document:
        """A stage that reads times."""
        return doc

    with pytest.raises(ConfigError) as info:
        Pipeline(_settings({"clean": "clean.rules.v1", "casualties": "test.needs_times.v1"}))
    message = str(info.value)
    assert "test.needs_times.v1" in message and "times" in message
    assert "requires times," in message  # 'text' is assigned by clean, so only 'times' is missing


def test_requires_assigned_upstream_builds(register) -> None:
    @register("test.reads_text.v1", slot="quotes", requires=("text", "title"), assigns=("places",))
    def reads_text(doc: Document, cfg: None) -> Document:
        """A stage that reads text and title."""
        return doc

    pipeline = Pipeline(
        _settings({"clean": "clean.rules.v1", "metadata": "metadata.rules.v1", "quotes": "test.reads_text.v1"})
    )
    assert [spec.name for spec in pipeline.stages][-1] == "test.reads_text.v1"


def test_reader_fields_need_no_stage(register) -> None:
    @register("test.raw.v1", slot="clean", requires=tuple(sorted(READER_ASSIGNS)), assigns=("text",))
    def raw(doc: Document, cfg: None) -> Document:
        """Copy raw_text to text."""
        return doc.model_copy(update={"text": doc.raw_text})

    Pipeline(_settings({"clean": "test.raw.v1"}))


def test_stage_in_the_wrong_slot_errors() -> None:
    with pytest.raises(ConfigError) as info:
        Pipeline(_settings({"clean": "metadata.rules.v1"}))
    assert "metadata.rules.v1" in str(info.value) and "'metadata'" in str(info.value)


def test_unknown_slot_in_settings_errors() -> None:
    with pytest.raises(ConfigError) as info:
        Pipeline(_settings({"cleaning": "clean.rules.v1"}))
    assert "cleaning" in str(info.value) and "clean" in str(info.value)


def test_a_slot_left_out_is_skipped(make_doc) -> None:
    pipeline = Pipeline(_settings({"clean": "clean.rules.v1"}))
    (doc,) = pipeline.process_batch(_docs(make_doc, "Home\n\nPort closes after storm\n\n" + BODY))
    assert isinstance(doc, Document)
    assert doc.text.startswith("Port closes after storm")
    assert doc.title is None and doc.language is None


# -- strict mode ----------------------------------------------------------------------------


def _sneaky(doc: Document, cfg: None) -> Document:
    """Sets the title it declares, and the outlet it does not."""
    return doc.model_copy(update={"title": "A title", "outlet": "Sneaky Outlet"})


def test_strict_catches_an_undeclared_change(register, make_doc) -> None:
    register("test.sneaky.v1", slot="metadata", requires=("text",), assigns=("title",))(_sneaky)
    docs = _docs(make_doc, BODY)
    with pytest.raises(ConfigError) as info:
        Pipeline(_settings({"clean": "clean.rules.v1", "metadata": "test.sneaky.v1"}, strict=True)).process_batch(docs)
    assert "test.sneaky.v1" in str(info.value) and "outlet" in str(info.value)
    # Without strict the change goes through (strict is for tests and debugging).
    (doc,) = Pipeline(_settings({"clean": "clean.rules.v1", "metadata": "test.sneaky.v1"})).process_batch(docs)
    assert isinstance(doc, Document) and doc.outlet == "Sneaky Outlet"


def test_strict_passes_the_builtin_stages(make_doc) -> None:
    pipeline = Pipeline(Settings().merged({"pipeline": {"strict": True}}))
    (doc,) = pipeline.process_batch(_docs(make_doc, " date 2021-06-01 Port closes after storm\n\n" + BODY))
    assert isinstance(doc, Document)
    assert doc.published is not None and doc.published.iso == "2021-06-01"


def test_strict_batched_stage_is_checked_too(register, make_doc) -> None:
    @register("test.sneaky_batch.v1", slot="metadata", requires=("text",), assigns=("title",), batched=True)
    def sneaky_batch(docs: list[Document], cfg: None) -> list[Document]:
        """Batched version of the sneaky stage."""
        return [_sneaky(doc, cfg) for doc in docs]

    pipeline = Pipeline(_settings({"clean": "clean.rules.v1", "metadata": "test.sneaky_batch.v1"}, strict=True))
    with pytest.raises(ConfigError, match="outlet"):
        pipeline.process_batch(_docs(make_doc, BODY, BODY + " More."))


# -- failures never escape the batch --------------------------------------------------------


def _explode(doc: Document, cfg: None) -> Document:
    """Raises on any document mentioning BOOM."""
    if "BOOM" in doc.text:
        raise RuntimeError("boom on purpose")
    return doc.model_copy(update={"title": "ok"})


def test_a_stage_error_fails_one_document_and_the_batch_goes_on(register, make_doc) -> None:
    register("test.explode.v1", slot="metadata", requires=("text",), assigns=("title",))(_explode)
    pipeline = Pipeline(_settings({"clean": "clean.rules.v1", "metadata": "test.explode.v1"}, batch_size=2))
    docs = _docs(make_doc, BODY, BODY + " BOOM.", BODY + " Later.")
    batches = list(pipeline.pipe(docs))
    assert [len(batch) for batch in batches] == [2, 1]
    first, failed, third = [item for batch in batches for item in batch]
    assert isinstance(first, Document) and first.title == "ok"
    assert isinstance(third, Document) and third.title == "ok"
    assert isinstance(failed, Failure)
    assert failed.reason == "stage_error"
    assert (failed.path, failed.doc_id, failed.stage) == ("doc1.txt", docs[1].doc_id, "metadata")
    assert "test.explode.v1" in failed.message and "doc1.txt" in failed.message and "\n" not in failed.message


def test_a_batched_stage_error_is_isolated_to_one_document(register, make_doc) -> None:
    @register("test.explode_batch.v1", slot="metadata", requires=("text",), assigns=("title",), batched=True)
    def explode_batch(docs: list[Document], cfg: None) -> list[Document]:
        """Batched: raises if any document mentions BOOM."""
        return [_explode(doc, cfg) for doc in docs]

    pipeline = Pipeline(_settings({"clean": "clean.rules.v1", "metadata": "test.explode_batch.v1"}))
    out = pipeline.process_batch(_docs(make_doc, BODY, BODY + " BOOM.", BODY + " Later."))
    assert [type(item).__name__ for item in out] == ["Document", "Failure", "Document"]
    assert isinstance(out[1], Failure) and out[1].reason == "stage_error"


def test_a_batched_stage_that_drops_documents_fails_them(register, make_doc) -> None:
    """A batched stage returning fewer documents than it was given left the rest silently unprocessed."""

    @register("test.drop_batch.v1", slot="metadata", requires=("text",), assigns=("title",), batched=True)
    def drop_batch(docs: list[Document], cfg: None) -> list[Document]:
        """Batched: loses any document mentioning BOOM."""
        return [doc.model_copy(update={"title": "ok"}) for doc in docs if "BOOM" not in doc.text]

    pipeline = Pipeline(_settings({"clean": "clean.rules.v1", "metadata": "test.drop_batch.v1"}))
    out = pipeline.process_batch(_docs(make_doc, BODY, BODY + " BOOM.", BODY + " Later."))
    assert [type(item).__name__ for item in out] == ["Document", "Failure", "Document"]
    assert [item.title for item in out if isinstance(item, Document)] == ["ok", "ok"]


def test_strict_reraises_stage_errors(register, make_doc) -> None:
    register("test.explode.v1", slot="metadata", requires=("text",), assigns=("title",))(_explode)
    pipeline = Pipeline(_settings({"clean": "clean.rules.v1", "metadata": "test.explode.v1"}, strict=True))
    with pytest.raises(RuntimeError, match="boom on purpose"):
        pipeline.process_batch(_docs(make_doc, BODY + " BOOM."))


def test_an_input_error_in_a_stage_keeps_its_reason(make_doc) -> None:
    pipeline = Pipeline(_settings({"clean": "clean.rules.v1", "metadata": "metadata.rules.v1"}))
    out = pipeline.process_batch(_docs(make_doc, "Home\nNews", BODY))
    assert isinstance(out[0], Failure) and isinstance(out[1], Document)
    assert (out[0].reason, out[0].stage, out[0].path) == ("no_content", "clean", "doc0.txt")
    with pytest.raises(InputError):
        Pipeline(_settings({"clean": "clean.rules.v1"}, strict=True)).process_batch(_docs(make_doc, "Home\nNews"))


def test_failures_from_the_reader_pass_through(make_doc) -> None:
    failure = Failure(path="x.txt", reason="empty", message="x.txt: the file is empty; skipped (reason: empty)")
    out = Pipeline().process_batch([failure, *_docs(make_doc, BODY)])
    assert out[0] is failure and isinstance(out[1], Document)


if __name__ == "__main__":  # regenerate the golden file
    GOLDEN_STAGES.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN_STAGES.write_text(json.dumps(stage_table(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN_STAGES}")


def test_a_process_pool_gives_the_same_documents_as_one_process(tmp_path: Path) -> None:
    """pipeline.n_process only changes where the work runs, never what comes out."""
    from eventlens import api
    from eventlens.settings import Settings

    examples = Path(__file__).resolve().parents[1] / "examples" / "kosovo-2023"
    outputs = []
    for workers in (1, 2):
        settings = Settings().merged({"pipeline": {"n_process": workers, "batch_size": 2}})
        out = tmp_path / f"out{workers}"
        api.run([examples], out=out, settings=settings)
        outputs.append([json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()])
    assert outputs[0] == outputs[1]


def test_a_pool_reads_files_in_its_workers_in_input_order(tmp_path: Path) -> None:
    """With n_process > 1 files come as PendingFile to the workers; JSONL is still streamed by the reader;
    a bad file is still a Failure in its place; the outputs equal one process's."""
    from eventlens import api
    from eventlens.io.readers import PendingFile, read_paths
    from eventlens.settings import Settings

    folder = tmp_path / "in"
    folder.mkdir()
    body = "Police said two people were injured when a car hit a bus stop in the town centre on Monday morning."
    (folder / "a.txt").write_text(body, encoding="utf-8")
    (folder / "b.html").write_text(f"<html><body><article><p>{body} The driver was arrested.</p></article></body></html>", encoding="utf-8")
    (folder / "c.jsonl").write_text(json.dumps({"text": body + " A second report."}) + "\n", encoding="utf-8")
    (folder / "d.txt").write_bytes(b"")
    deferred = list(read_paths([folder], defer=True))
    assert [type(item).__name__ for item in deferred] == ["PendingFile", "PendingFile", "Document", "PendingFile"]
    assert isinstance(deferred[0], PendingFile) and deferred[0].read(Settings().ingest) == list(read_paths([folder / "a.txt"]))
    outputs = []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        result = api.run(folder, out=out, settings=Settings().merged({"pipeline": {"n_process": workers}}))
        assert result.counts["processed"] == 3 and [f.reason for f in result.failures] == ["empty"]
        outputs.append((out / "documents.jsonl").read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
