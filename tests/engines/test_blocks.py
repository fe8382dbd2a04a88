"""engines.blocks: the items by date window x country, each block clustered alone, merged across borders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eventlens.engines import LocalEngine
from eventlens.engines.blocks import cluster_in_blocks, make_blocks
from eventlens.settings import ClusterSettings
from eventlens.stages.cluster import ClusterItem


def _item(doc_id: str, day: str | None, country: str | None = "XK", topic: str = "a") -> ClusterItem:
    return ClusterItem(doc_id=doc_id, text=topic, date=day, country=country)


def by_topic(items: Sequence[ClusterItem], fixed: Mapping[str, str], cfg: ClusterSettings) -> dict[str, str]:
    """A stand-in cluster stage: one group per text, named by its first doc_id (or its stored incident)."""
    groups: dict[tuple[str, str | None], list[str]] = {}
    for item in sorted(items, key=lambda i: i.doc_id):  # two stored incidents stay two groups, as in the stage
        groups.setdefault((item.text, fixed.get(item.doc_id)), []).append(item.doc_id)
    labels = {}
    for members in groups.values():
        stored = sorted(fixed[m] for m in members if m in fixed)
        for member in members:
            labels[member] = stored[0] if stored else members[0]
    return labels


def test_blocks_are_date_windows_by_country() -> None:
    items = [_item("a", "2024-01-01"), _item("b", "2024-01-20"), _item("c", "2024-01-01", "RS"), _item("d", None)]
    found = [(block.country, block.window, [i.doc_id for i in block.items]) for block in make_blocks(items, 10)]
    day = 738886  # 2024-01-01 as an ordinal
    assert found == [("RS", day // 10, ["c"]), ("XK", -1, ["d"]), ("XK", day // 10, ["a"]), ("XK", 738905 // 10, ["b"])]
    assert [len(block.items) for block in make_blocks(items, 0)] == [4]


def test_a_cluster_cut_by_a_block_border_is_merged() -> None:
    # 2024-01-09 and 2024-01-10 fall in two 10-day windows (ordinal 738894 // 10 = 73889, 738895 // 10 = 73889 + 1).
    items = [_item("a", "2024-01-09"), _item("b", "2024-01-10"), _item("c", "2024-01-10", topic="other")]
    labels = cluster_in_blocks(by_topic, items, {}, ClusterSettings(block_days=10), LocalEngine().map_calls)
    assert labels == {"a": "a", "b": "a", "c": "c"}


def test_far_from_the_border_stays_apart_and_two_stored_incidents_never_merge() -> None:
    # Windows of 10 days from ordinal 738890 (2024-01-05) and 738900 (2024-01-15).
    items = [_item("a", "2024-01-05"), _item("b", "2024-01-24"), _item("c", "2024-01-14"), _item("d", "2024-01-15")]
    cfg = ClusterSettings(block_days=10, date_window_days=3)
    labels = cluster_in_blocks(by_topic, items, {"c": "inc-1", "d": "inc-2"}, cfg, LocalEngine().map_calls)
    assert labels["c"] == "inc-1" and labels["d"] == "inc-2"  # both stored: the border pass may not join them
    assert labels["a"] == "a" and labels["b"] == "b"  # 9 days from the border: no border pass joins them


def test_no_blocking_is_the_stage_itself() -> None:
    items = [_item("a", "2024-01-01"), _item("b", "2024-03-01"), _item("c", None, topic="x")]
    cfg = ClusterSettings(block_days=0)
    assert cluster_in_blocks(by_topic, items, {}, cfg, LocalEngine().map_calls) == by_topic(items, {}, cfg)
