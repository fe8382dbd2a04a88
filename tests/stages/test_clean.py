"""The cleaner: page furniture goes with its reason, the article stays, and every kept character maps
back to the same raw character. Cases are small invented texts, one behaviour each."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventlens.errors import InputError
from eventlens.model import Document
from eventlens.settings import CleanSettings
from eventlens.stages.clean import clean_document, clean_text

BODY = (
    "Heavy rain over the weekend washed away two bridges and cut off four villages in the hills, officials said.\n\n"
    "Rescue teams reached the area by helicopter and handed out food and blankets to the stranded families.\n\n"
    "The regional governor said repairs to the road would take at least two weeks."
)
BODY_LINES = [line for line in BODY.split("\n") if line]


def _reasons(raw: str) -> list[tuple[str, str]]:
    return [(span.reason, span.text.strip()) for span in clean_text(raw).removed]


def _assert_body_kept(text: str) -> None:
    for line in BODY_LINES:
        assert line in text


@pytest.mark.parametrize(
    "raw,removed,kept",
    [
        pytest.param(
            "Home\nWorld\nBreaking News\n\nFloods cut off hill villages after days of rain\n\n" + BODY,
            [("navigation", "Home"), ("navigation", "World"), ("navigation", "Breaking News")],
            "Floods cut off hill villages after days of rain",
            id="nav-labels-top",
        ),
        pytest.param(
            BODY + "\n\nMost Read\nShare\nTags",
            [("navigation", "Most Read"), ("navigation", "Share"), ("navigation", "Tags")],
            None,
            id="nav-labels-bottom",
        ),
        pytest.param(
            "Menu\n\n" + BODY + "\n\nRelated articles",
            [("navigation", "Menu"), ("navigation", "Related articles")],
            None,
            id="known-labels-both-edges",
        ),
        pytest.param("Dam bursts\n\n" + BODY, [], "Dam bursts", id="short-headline-kept"),
        pytest.param(
            "Storm leaves thousands without power along the northern coast\n\n"
            "Storm leaves thousands without power along the\n\n" + BODY,
            [("truncated_duplicate", "Storm leaves thousands without power along the")],
            "Storm leaves thousands without power along the northern coast",
            id="truncated-duplicate-headline",
        ),
        pytest.param(
            BODY.replace(
                "\n\nRescue",
                "\n\nVolunteers clear mud from a flooded school / photo\nVolunteers clear mud from a flooded school / photo"
                "\n\nRescue",
            ),
            [
                ("caption", "Volunteers clear mud from a flooded school / photo"),
                ("caption_duplicate", "Volunteers clear mud from a flooded school / photo"),
            ],
            None,
            id="doubled-caption-slash",
        ),
        pytest.param(
            BODY.replace("\n\nRescue", "\n\nPhoto: a ferry at the pier\nPhoto: a ferry at the pier\n\nRescue"),
            [("caption", "Photo: a ferry at the pier"), ("caption_duplicate", "Photo: a ferry at the pier")],
            None,
            id="doubled-caption-prefix",
        ),
        pytest.param("Video\n\n" + BODY, [("media_stub", "Video")], None, id="media-stub-line"),
        pytest.param(
            BODY.replace(
                "two weeks.", "two weeks.\n\nFirefighters fought the blaze at the old mill for six hours photos"
            ),
            [("media_stub", "photos")],
            "Firefighters fought the blaze at the old mill for six hours",
            id="media-stub-tail",
        ),
        pytest.param(
            BODY + "\n\n© Valley Gazette 2021", [("copyright", "© Valley Gazette 2021")], None, id="copyright-sign"
        ),
        pytest.param(
            BODY + "\n\n(c) Harbour Herald 2019", [("copyright", "(c) Harbour Herald 2019")], None, id="copyright-c"
        ),
        pytest.param(
            BODY + "\n\nCopyright 2020 Hill Media. All rights reserved.",
            [("copyright", "Copyright 2020 Hill Media. All rights reserved.")],
            None,
            id="copyright-word",
        ),
        pytest.param(
            " date 2021-04-03 " + BODY, [("date_header", "date 2021-04-03")], BODY_LINES[0], id="date-header-head"
        ),
    ],
)
def test_page_furniture_removed_with_reason(raw: str, removed: list[tuple[str, str]], kept: str | None) -> None:
    cleaned = clean_text(raw)
    assert _reasons(raw) == removed
    _assert_body_kept(cleaned.text)
    if kept is not None:
        assert kept in cleaned.text.split("\n")
    for _, text in removed:
        if text != kept and not (kept and kept.startswith(text)):
            assert text not in cleaned.text.split("\n")


WORDPRESS_COMMENTS = (
    "\n\n3 comments\n\n"
    "  1. Terrible news, my cousin lives up there and we still cannot reach her by phone.\n\n"
    "    Liked by 1 person\n\n"
    "  2. Those bridges should have been repaired years ago, everyone knew it.\n\n"
    "    Liked by 2 people\n\n"
    "Leave a Reply\n\n"
    "Fill in your details below or click an icon to log in:\n\n"
    "You are commenting using your WordPress.com account. Log Out / Change )\n\n"
    "You are commenting using your Facebook account. Log Out / Change )\n\n"
    "Notify me of new comments via email.\n\n"
    "This site uses Akismet to reduce spam."
)


def test_wordpress_comment_section_removed() -> None:
    raw = BODY + WORDPRESS_COMMENTS
    cleaned = clean_text(raw)
    assert cleaned.text == BODY
    reasons = {span.reason for span in cleaned.removed}
    assert reasons == {"comments"}
    removed_text = " ".join(span.text for span in cleaned.removed)
    for marker in ("Terrible news", "Liked by 1 person", "Leave a Reply", "You are commenting using", "Akismet"):
        assert marker in removed_text


def test_comment_without_number_above_a_like_widget_removed() -> None:
    raw = BODY + "\n\nI do not believe a word of this report.\n\nLiked by 1 person\n\nLeave a Reply"
    cleaned = clean_text(raw)
    assert cleaned.text == BODY
    assert "I do not believe" not in cleaned.text


QUOTE_INTRO = "\n\nIn a statement on Monday, the governor says:\n\n“We will rebuild both bridges before winter.”"


def test_says_colon_in_the_article_is_not_a_comment() -> None:
    """A line ending in 'says:' used to start the comment section and cut the rest of the article."""
    raw = BODY + QUOTE_INTRO + "\n\nThe army has sent engineers to help."
    cleaned = clean_text(raw)
    assert cleaned.text == raw
    assert cleaned.removed == ()


def test_comment_bylines_go_with_their_comments() -> None:
    raw = (
        BODY
        + QUOTE_INTRO
        + "\n\nJane Roe says:\n\nGreat reporting, thank you.\n\nReply"
        + "\n\nBob Stone says:\n\nWhat about the third bridge?\n\nReply\n\nLeave a Reply"
    )
    cleaned = clean_text(raw)
    assert cleaned.text == BODY + QUOTE_INTRO
    assert [span.text for span in cleaned.removed][:2] == ["Jane Roe says:", "Great reporting, thank you."]
    assert {span.reason for span in cleaned.removed} == {"comments"}


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("Leave a comment\n\n" + BODY, id="first-line"),
        pytest.param("Floods cut off hill villages\nBy Jane Roe\nLeave a comment\n\n" + BODY, id="after-byline"),
    ],
)
def test_early_leave_a_comment_link_does_not_cut_the_article(raw: str) -> None:
    cleaned = clean_text(raw)
    _assert_body_kept(cleaned.text)
    assert "Leave a comment" not in cleaned.text
    assert [span.reason for span in cleaned.removed] == ["comment_form"]


def test_a_plain_article_is_unchanged() -> None:
    cleaned = clean_text(BODY)
    assert cleaned.text == BODY
    assert cleaned.removed == ()


def test_a_line_repeated_far_apart_is_kept() -> None:
    """Repeats further than two lines apart are list items or headings the article really repeats."""
    raw = "Step one: boil water.\n\n" + BODY + "\n\nStep one: boil water."
    cleaned = clean_text(raw)
    assert cleaned.text.count("Step one: boil water.") == 2


def test_clean_document_sets_text_segments_removed(make_doc) -> None:
    raw = "Home\nNews\n\nFloods cut off hill villages after days of rain\n\n" + BODY + "\n\n© Valley Gazette 2021"
    doc = make_doc("", raw_text=raw)
    cleaned = clean_document(doc, CleanSettings())
    assert cleaned.text.startswith("Floods cut off hill villages")
    assert cleaned.raw_text == raw
    assert cleaned.segments and cleaned.removed
    assert {span.reason for span in cleaned.removed} == {"navigation", "copyright"}
    assert doc.text == ""  # the input is untouched (frozen records)


def test_too_little_left_is_no_content(make_doc) -> None:
    doc = make_doc("", raw_text="Home\nNews\n\nShort.")
    with pytest.raises(InputError) as info:
        clean_document(doc, CleanSettings(min_text_chars=40))
    assert info.value.reason == "no_content"
    assert doc.path in str(info.value)


def test_removed_spans_point_at_the_raw_text() -> None:
    raw = "Home\nWorld\n\nFloods cut off hill villages after days of rain\n\n" + BODY + "\n\n© Valley Gazette 2021"
    for span in clean_text(raw).removed:
        assert raw[span.start : span.end] == span.text


# -- the offset map: a property test over random texts ----------------------------------------

_FURNITURE = [
    "Home",
    "Latest news",
    "Share",
    "Video",
    "photos",
    "© Some Outlet 2020",
    "(C)Outlet 2022",
    "Leave a Reply",
    "Leave a comment",
    "Liked by 1 person",
    "  1. A numbered reader comment here.",
    "You are commenting using your account.",
    " date 2022-03-04 ",
    "A caption of a scene / photo",
    "Photo: someone",
    "3 comments",
    "Reply",
    "Storm hits the coast and leaves many towns without power",
    "Storm hits the coast and leaves many",
    "",
    "   ",
    "\t",
]
_line = st.one_of(
    st.sampled_from(_FURNITURE),
    st.sampled_from(BODY_LINES),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=60),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line, max_size=25), st.sampled_from(["\n", "\n\n"]))
def test_offset_map_round_trips(lines: list[str], joiner: str) -> None:
    raw = joiner.join(lines)
    cleaned = clean_text(raw)
    text = cleaned.text
    previous_clean_end, previous_raw_end = 0, 0
    for segment in cleaned.segments:
        assert text[segment.clean : segment.clean + segment.length] == raw[segment.raw : segment.raw + segment.length]
        assert segment.clean >= previous_clean_end  # ordered, non-overlapping
        assert segment.raw >= previous_raw_end
        previous_clean_end = segment.clean + segment.length
        previous_raw_end = segment.raw + segment.length
    assert previous_clean_end == len(text)
    # Everything outside the segments is an inserted separator (newlines only).
    covered = set()
    for segment in cleaned.segments:
        covered.update(range(segment.clean, segment.clean + segment.length))
    assert all(text[i] == "\n" for i in range(len(text)) if i not in covered)
    # Removed spans are raw spans with their text, and never overlap a kept segment.
    for span in cleaned.removed:
        assert raw[span.start : span.end] == span.text
        for segment in cleaned.segments:
            assert span.end <= segment.raw or span.start >= segment.raw + segment.length

    doc = Document(doc_id="0" * 16, path="x.txt", format="txt", raw_text=raw, text=text, segments=cleaned.segments)
    for segment in cleaned.segments:
        for offset in range(segment.clean, segment.clean + segment.length):
            assert doc.raw_text[doc.raw_offset(offset)] == doc.text[offset]
    assert 0 <= doc.raw_offset(len(text)) <= len(raw)


HEADLINES = "Port reopens after the storm\nTeachers strike over unpaid wages in the capital\nCup final: home side wins on penalties"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(BODY + "\n\nRelated posts\n\n" + HEADLINES + "\n\nWe use cookies on this site. Accept | Reject", id="below-heading"),
        pytest.param(BODY + "\n\nMost read\n" + "\n".join(f"{n}. {h}" for n, h in enumerate(HEADLINES.split("\n"), 1)), id="numbered"),
        pytest.param(BODY + "\n\nLatest news: " + " | ".join(HEADLINES.split("\n")), id="one-line"),
        pytest.param(BODY + "\n\nMore on Europe: " + HEADLINES.split("\n")[0], id="more-on-section"),
    ],
)
def test_headline_lists_removed(raw: str) -> None:
    """Other articles' headlines ("Related posts", "Latest news: A | B") are page furniture: their tolls and
    places are not the article's."""
    cleaned = clean_text(raw)
    _assert_body_kept(cleaned.text)
    assert "Port reopens" not in cleaned.text
    assert "headline_list" in {span.reason for span in cleaned.removed}


def test_a_list_heading_before_prose_is_kept() -> None:
    raw = BODY + "\n\nRelated\n\nThe minister said the bridges would be rebuilt by the army engineers before winter."
    assert "The minister said" in clean_text(raw).text


@pytest.mark.parametrize("heading", ["Comments", "Comments (2)"])
def test_a_comments_heading_starts_the_comment_section(heading: str) -> None:
    raw = BODY + f"\n\n{heading}\n\nriver_fan – 4 April 2021 at 10:41\nStay safe everyone.\n\nhill_man • 4 April 2021, 12:05\nFix the roads!"
    cleaned = clean_text(raw)
    assert cleaned.text == BODY
    assert {span.reason for span in cleaned.removed} == {"comments"}


def test_date_header_kept_when_its_line_is_navigation() -> None:
    """' date 2021-04-03 Skip to content': the header goes as date_header, the rest as navigation."""
    raw = " date 2021-04-03 Skip to content\n\nHome | News | Sport\n\nFloods cut off hill villages\n\n" + BODY
    reasons = _reasons(raw)
    assert ("date_header", "date 2021-04-03") in reasons
    _assert_body_kept(clean_text(raw).text)
