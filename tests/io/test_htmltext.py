"""HTML body and metadata extraction: one parse, the rungs, and metadata equal to trafilatura's own."""

from __future__ import annotations

import pytest
import trafilatura

from eventlens.io import htmltext
from eventlens.io.htmltext import extract_html

BODY = (
    "The city council approved the new bridge over the river on Tuesday after a long debate. "
    "Construction is expected to start in the spring and to last about two years, officials said. "
)
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><title>Council approves bridge | The Valley Herald</title>
<meta property="og:site_name" content="The Valley Herald">
<meta property="article:published_time" content="2023-05-02T10:00:00Z">
<link rel="canonical" href="https://valley-herald.example/news/bridge">
<script>var tracking = "never in the text";</script></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Council approves bridge</h1><p>{BODY}</p>
<p>The mayor said the bridge would cut the drive to the hospital by twenty minutes for most families.</p>
<p>Opponents of the plan argued that the money should go to repairing the roads that already exist.</p>
<p>A final vote on the budget for the first stage of the works is planned for the end of June.</p></article>
<footer>Contact us. All rights reserved.</footer></body></html>"""


def test_article_comes_from_the_fast_rung_with_its_metadata() -> None:
    extracted = extract_html(PAGE)
    assert extracted.rung == "precision_fast"
    assert "approved the new bridge" in extracted.text
    assert "tracking" not in extracted.text and "Sport" not in extracted.text
    assert extracted.hints.url == "https://valley-herald.example/news/bridge"
    assert extracted.hints.published == "2023-05-02"
    assert extracted.hints.outlet == "The Valley Herald"
    assert extracted.hints.title is not None and "Council approves bridge" in extracted.hints.title


def test_metadata_matches_trafilaturas_full_metadata_pass() -> None:
    full = trafilatura.bare_extraction(PAGE, include_comments=False, favor_precision=True, with_metadata=True)
    hints = extract_html(PAGE).hints
    assert (hints.title, hints.url, hints.published, hints.outlet) == (full.title, full.url, full.date, full.sitename)


def test_a_short_first_text_escalates_to_the_comparison_rung(monkeypatch: pytest.MonkeyPatch) -> None:
    # An estimate far longer than the article: every precision text is "short", so the rungs run in turn;
    # the balanced text is no longer than the precision one here, so the precision text stays.
    monkeypatch.setattr(htmltext, "main_content_estimate", lambda html: "word " * 5000)
    extracted = extract_html(PAGE)
    assert extracted.rung == "precision"
    assert "approved the new bridge" in extracted.text


def test_ratio_zero_and_balanced_mode_skip_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(html: str) -> str:
        raise AssertionError("the estimate is not needed")

    monkeypatch.setattr(htmltext, "main_content_estimate", fail)
    assert extract_html(PAGE, rescue_ratio=0).rung == "precision"
    assert extract_html(PAGE, favor_precision=False).rung == "balanced"


def test_estimate_is_the_main_content_text() -> None:
    estimate = htmltext.main_content_estimate(PAGE)
    assert "approved the new bridge" in estimate and "tracking" not in estimate


def test_markup_without_a_tree_gives_no_text() -> None:
    assert extract_html("").text == ""
