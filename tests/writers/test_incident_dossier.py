"""The incident dossier: Markdown (alone and inside dossier.md) and self-contained, escaped HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eventlens.model import Figure, Incident, IncidentQuote, Location, SourceClaim, SourceReport
from eventlens.writers import write_dossier, write_dossier_html, write_incident_dossier_md
from eventlens.writers.dossier import dossier_entry, md_escape
from eventlens.writers.incident_dossier import _pieces, incident_markdown

HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:alert(1)">click</a>'
UNESCAPED_MD = re.compile(r"(?<!\\)<(script|img|a )")


def _section(text: str, heading: str) -> str:
    """The lines under a Markdown heading, up to the next heading of any level."""
    start = text.index(heading)
    rest = text[start + len(heading) :]
    end = re.search(r"^#", rest, flags=re.MULTILINE)
    return rest[: end.start()] if end else rest


def test_markdown_has_every_part(tmp_path: Path, kosovo) -> None:
    site, kurti = kosovo.ids["site"], kosovo.ids["kurti"]
    path = write_incident_dossier_md(
        tmp_path / "incidents.md", kosovo.incidents, kosovo.documents, documents_text=kosovo.texts
    )
    text = path.read_text(encoding="utf-8")
    assert "## Incidents (2)" in text
    assert "### Armed clash, Banjska \\(XK\\), 2023-09-24" in text
    assert md_escape(kosovo.banjska.summary) in text
    figures = _section(text, "#### Figures")
    for row in (
        "| killed | all | 1 | 4 | 4 |",
        "| killed | security forces | 1 | 1 | 1 |",
        "| killed | attackers | 3 | 3 | 3 |",
        "| injured | security forces | 1 | 1 | 3 |",
        "| arrested | all | 6 | 6 | 6 |",
    ):
        assert row in figures
    claims = _section(text, "#### Claims by source")
    assert "**three Serbs were killed**" in claims and "according to Aleksandar Vucic" in claims
    assert "**three others were injured**" in claims
    statements = _section(text, "#### Statements")
    assert "**Albin Kurti** (accusation ×2)" in statements
    assert "**Aleksandar Vucic** (denial, claim)" in statements
    assert "denial, reported in `b3ecd6fbb61ce35f`: “any connection with the group”" in statements
    disagreements = _section(text, "#### Disagreements")
    assert f"injured \\(security forces\\): 1 in `{site}`, `{kurti}`" in disagreements
    assert f"3 in `{kurti}`" in disagreements and "states more than one value" in disagreements
    assert "Zvecan" in _section(text, "#### Background events mentioned")
    timeline = _section(text, "#### Timeline: what was known after each report")
    assert "| killed | injured | arrested | changed |" in timeline
    assert "| 4 | undated | b3ecd6fbb61ce35f | 4 | 2023-09-24 | Banjska | 1–4 \\(best 4\\) |" in timeline
    # The one-report incident has neither figures nor claims, and says so by leaving those parts out.
    mitrovica = text[text.index("### Armed clash, Mitrovicë") :]
    assert "#### Figures" not in mitrovica and "#### Statements" in mitrovica


def test_markdown_without_texts_shows_sentences_unmarked(kosovo) -> None:
    text = "\n".join(incident_markdown([kosovo.banjska]))
    claims = _section(text, "#### Claims by source")
    assert "three Serbs were killed" in claims and "**three Serbs" not in claims


def test_texts_can_come_from_a_function(kosovo) -> None:
    asked: list[str] = []

    def text_of(doc_id: str) -> str | None:
        asked.append(doc_id)
        return kosovo.texts.get(doc_id)

    text = "\n".join(incident_markdown([kosovo.banjska], documents_text=text_of))
    assert "**one of them died**" in text
    assert set(asked) == set(kosovo.banjska.sources)


def test_claim_offsets_that_miss_the_sentence_are_not_marked(kosovo) -> None:
    wrong = kosovo.claim(kosovo.ids["vucic"], "three Serbs were killed", "killed", "attackers", 3).model_copy(
        update={"start": 0, "end": 9}
    )
    incident = Incident(id="x", figures={"killed": Figure(best=3, claims=(wrong,))})
    text = "\n".join(incident_markdown([incident], documents_text=kosovo.texts))
    assert "three Serbs were killed" in text and "**" not in _section(text, "#### Claims by source")


def _hostile_incident() -> tuple[Incident, dict[str, str]]:
    text = f"Police said two people were killed. {HOSTILE} The mayor spoke."
    words = "two people were killed"
    start = text.index(words)
    hostile_claim = SourceClaim(
        doc_id="evil",
        figure="killed",
        group="civilians",
        value=2,
        attributed_to=HOSTILE,
        sentence="Police said two people were killed.",
        start=start,
        end=start + len(words),
    )
    at = text.index(HOSTILE)
    incident = Incident(
        id="inc_evil",
        type=HOSTILE,
        date="2024-01-02",
        location=Location(name=HOSTILE, variants=(HOSTILE,), country="XK", lat=1.0, lon=2.0),
        sources=("evil",),
        figures={"killed": Figure(low=2, best=2, high=2, claims=(hostile_claim,), rule=HOSTILE)},
        quotes=(
            IncidentQuote(
                doc_id="evil", speaker=HOSTILE, stance="claim", text=HOSTILE, direct=True, start=at, end=at + 10
            ),
        ),
        provenance=(SourceReport(doc_id="evil", role="main", outlet=HOSTILE, title=HOSTILE),),
        summary=HOSTILE,
    )
    return incident, {"evil": text}


def test_markdown_escapes_article_text(tmp_path: Path) -> None:
    incident, texts = _hostile_incident()
    text = write_incident_dossier_md(tmp_path / "x.md", [incident], documents_text=texts).read_text(encoding="utf-8")
    assert not UNESCAPED_MD.search(text)
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in text


def test_html_escapes_article_text(tmp_path: Path) -> None:
    incident, texts = _hostile_incident()
    html = write_dossier_html(tmp_path / "dossier.html", [incident], texts).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"<[^>]*onerror=", html), "an onerror attribute inside a real tag"
    assert not re.search(r"<[^>]*javascript:", html, flags=re.IGNORECASE)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # The claim's sentence is still highlighted in the source text, and its words marked.
    assert "<mark>Police said </mark><mark><b>two people were killed</b></mark><mark>.</mark>" in html


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "section", "p", "ul", "li", "code",
    "table", "tr", "th", "td", "strong", "mark", "b", "span", "div", "br", "a",
}  # fmt: skip


def test_html_is_self_contained(tmp_path: Path, kosovo) -> None:
    html = write_dossier_html(
        tmp_path / "d.html", kosovo.incidents, kosovo.texts, documents=kosovo.documents
    ).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    tags = re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>", html)
    assert {name for name, _ in tags} <= ALLOWED_TAGS
    for name, attributes in tags:
        for attribute, value in re.findall(r'([a-z-]+)="([^"]*)"', attributes):
            assert attribute in {"lang", "charset", "name", "content", "class", "id", "href"}, (name, attribute)
            if attribute == "href":
                assert value.startswith("#"), value  # only links within the page
    assert "url(" not in html and "@import" not in html and "src=" not in html


def test_html_has_the_markdown_content_and_highlighted_sources(tmp_path: Path, kosovo) -> None:
    html = write_dossier_html(tmp_path / "d.html", kosovo.incidents, kosovo.texts).read_text(encoding="utf-8")
    for part in ("Figures", "Claims by source", "Statements", "Disagreements", "Background events mentioned",
                 "Timeline: what was known after each report", "Sources"):  # fmt: skip
        assert f"<h3>{part}</h3>" in html
    assert '<td>killed</td><td>attackers</td><td class="n">3</td>' in html
    assert "<strong>Albin Kurti</strong> (accusation ×2)" in html
    assert "<mark><b>three others were injured</b></mark>" in html
    anchors = re.findall(r'href="#([^"]+)"', html)
    assert anchors and all(f'id="{anchor}"' in html for anchor in anchors)


def test_html_without_texts_says_so(tmp_path: Path, kosovo) -> None:
    html = write_dossier_html(tmp_path / "d.html", [kosovo.mitrovica]).read_text(encoding="utf-8")
    assert "Text not stored." in html


def test_html_with_no_incidents(tmp_path: Path) -> None:
    html = write_dossier_html(tmp_path / "d.html", [], {}).read_text(encoding="utf-8")
    assert "0 incidents." in html and "<section" not in html


@pytest.mark.parametrize(
    "spans,quotes",
    [((), ()), ((("killed", 3),),  ()), ((("killed", 3),), ((0, 12),)), ((("killed", 3), ("injured", 1)), ((40, 400),))],
)  # fmt: skip
def test_highlight_pieces_cover_the_text_exactly(kosovo, spans, quotes) -> None:
    kurti = kosovo.ids["kurti"]
    text = kosovo.texts[kurti]
    words = {"killed": "a police officer was killed", "injured": "another was injured"}
    claims = [kosovo.claim(kurti, words[figure], figure, "security_forces", value) for figure, value in spans]
    pieces = _pieces(text, claims, list(quotes))
    assert "".join(piece.text for piece in pieces) == text
    assert all(piece.text for piece in pieces)
    marked = "".join(piece.text for piece in pieces if piece.words)
    assert marked == "".join(sorted((words[figure] for figure, _ in spans), key=text.index))


def test_dossier_md_opens_with_the_incidents(tmp_path: Path, kosovo, make_doc) -> None:
    doc = make_doc(kosovo.texts[kosovo.ids["vucic"]], title="Vucic <speaks>")
    path = write_dossier(
        tmp_path / "dossier.md",
        [dossier_entry(doc)],
        [],
        {"processed": 1},
        kosovo.incidents,
        documents_text=kosovo.texts,
    )
    text = path.read_text(encoding="utf-8")
    assert text.index("## Incidents (2)") < text.index("## Documents (1)")
    assert "**three Serbs were killed**" in text and "### Vucic \\<speaks\\>" in text


def test_dossier_md_without_incidents_is_unchanged(tmp_path: Path, make_doc) -> None:
    entries = [dossier_entry(make_doc("The port closed."))]
    plain = write_dossier(tmp_path / "a.md", entries, [], {"processed": 1}).read_text(encoding="utf-8")
    assert "## Incidents" not in plain


def test_excluded_claims_are_shown_as_not_counted(tmp_path: Path, kosovo) -> None:
    site = kosovo.ids["site"]
    own = kosovo.claim(
        site, "killed five officers", "killed", "security_forces", 5, attributed_to="the gunmen", self_claim=True,
        counted=False,
    )  # fmt: skip
    incident = kosovo.banjska.model_copy(update={"excluded_claims": (own,)})
    text = "\n".join(incident_markdown([incident], documents_text=kosovo.texts))
    assert (
        "killed 5 \\(security forces\\), according to the gunmen (the perpetrators' own claim; not counted in "
        "low/best/high): “A statement attributed to the gunmen claimed they had **killed five officers**.”"
    ) in text
    html = write_dossier_html(tmp_path / "d.html", [incident], kosovo.texts).read_text(encoding="utf-8")
    assert "<mark><b>killed five officers</b></mark>" in html
