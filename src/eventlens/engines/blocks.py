"""Clustering per block (date window x country), then a merge across block borders.

With ``cluster.block_days = D`` every item goes to the block of its country (the main place's, ``""``
when unknown) and of its window: the incident day (else the publication day) divided by ``D``;
undated items make one block per country. Each block is clustered on its own by the ``cluster``
stage (an engine may run the blocks in parallel: Ray tasks). Then, for each border between two
consecutive windows of one country, the items within ``date_window_days`` of the border on either side
are clustered together once more; two block clusters that this border pass puts one of each in the
same group become one incident, unless both already hold a different stored incident.

The blocks and the border passes are pure functions of the items, so every engine that runs them
gives the same result; ``block_days = 0`` is one block, the stage's own result.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..settings import ClusterSettings
from ..stages.cluster import ClusterItem

__all__ = ["Block", "BlockStats", "cluster_in_blocks", "make_blocks"]

logger = logging.getLogger(__name__)

ClusterFunc = Callable[[Sequence[ClusterItem], Mapping[str, str], ClusterSettings], dict[str, str]]
#: ``map_calls(func, [args, ...]) -> [func(*args), ...]`` in order (a loop, or tasks on a cluster).
MapCalls = Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]]

_UNDATED = -1


@dataclass(frozen=True, slots=True)
class Block:
    country: str
    window: int  # day ordinal // block_days; -1 for undated items
    items: tuple[ClusterItem, ...]


@dataclass(frozen=True, slots=True)
class BlockStats:
    """Sizes of the last blocked clustering (the benchmark reads them)."""

    blocks: int
    largest_block: int
    border_passes: int
    largest_border: int


last_stats: BlockStats | None = None


def _reference_day(item: ClusterItem) -> int | None:
    for value in (item.date, item.published):
        if value and len(value) >= 10:
            try:
                return date.fromisoformat(value[:10]).toordinal()
            except ValueError:
                continue
    return None


def make_blocks(items: Sequence[ClusterItem], block_days: int) -> list[Block]:
    """The items by (country, window), in key order; one block of everything when ``block_days`` is 0."""
    if block_days <= 0:
        return [Block("", 0, tuple(items))] if items else []
    found: dict[tuple[str, int], list[ClusterItem]] = defaultdict(list)
    for item in items:
        day = _reference_day(item)
        found[(item.country or "", day // block_days if day is not None else _UNDATED)].append(item)
    return [Block(country, window, tuple(found[(country, window)])) for country, window in sorted(found)]


def _cluster_block(func: ClusterFunc, items: Sequence[ClusterItem], fixed: Mapping[str, str], cfg: ClusterSettings) -> dict[str, str]:
    return func(items, fixed, cfg) if items else {}


def _canonical(item: ClusterItem) -> tuple[str, str]:
    # The order the cluster stage names a new group by (its first member's doc_id).
    return (item.date or item.published or "9999", item.doc_id)


def cluster_in_blocks(
    func: ClusterFunc,
    items: Sequence[ClusterItem],
    fixed: Mapping[str, str],
    cfg: ClusterSettings,
    map_calls: MapCalls,
) -> dict[str, str]:
    """doc_id -> incident key, clustering block by block and merging across the borders."""
    global last_stats
    blocks = make_blocks(sorted(items, key=_canonical), cfg.block_days)
    if len(blocks) <= 1:
        last_stats = BlockStats(len(blocks), len(blocks[0].items) if blocks else 0, 0, 0)
        (labels,) = map_calls(_cluster_block, [(func, blocks[0].items if blocks else (), dict(fixed), cfg)]) or [{}]
        return labels
    calls = [(func, block.items, {i.doc_id: fixed[i.doc_id] for i in block.items if i.doc_id in fixed}, cfg) for block in blocks]
    per_block: list[dict[str, str]] = map_calls(_cluster_block, calls)
    # A block's cluster is named (block index, key), so equal keys of two blocks stay two clusters.
    cluster_of = {doc_id: (index, key) for index, labels in enumerate(per_block) for doc_id, key in labels.items()}
    borders = _border_items(blocks, cfg)
    merged = map_calls(_cluster_block, [(func, part, {}, cfg) for part in borders])
    parent: dict[tuple[int, str], tuple[int, str]] = {}

    def root(node: tuple[int, str]) -> tuple[int, str]:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    stored: dict[tuple[int, str], set[str]] = defaultdict(set)
    for doc_id, node in cluster_of.items():
        if doc_id in fixed:
            stored[node].add(fixed[doc_id])
    for labels in merged:
        groups: dict[str, list[str]] = defaultdict(list)
        for doc_id, key in sorted(labels.items()):
            groups[key].append(doc_id)
        for members in groups.values():
            nodes = sorted({root(cluster_of[doc_id]) for doc_id in members})
            for other in nodes[1:]:
                a, b = root(nodes[0]), root(other)
                if a == b or (stored[a] and stored[b] and stored[a] != stored[b]):
                    continue  # two stored incidents never merge (as inside the stage)
                parent[b] = a
                stored[a] |= stored.pop(b, set())
    last_stats = BlockStats(
        len(blocks), max(len(block.items) for block in blocks), len(borders), max((len(part) for part in borders), default=0)
    )
    by_item = {item.doc_id: item for item in items}
    members: dict[tuple[int, str], list[str]] = defaultdict(list)
    for doc_id, node in cluster_of.items():
        members[root(node)].append(doc_id)
    result: dict[str, str] = {}
    for node, doc_ids in members.items():
        keys = sorted(stored.get(node, ()))
        key = keys[0] if keys else min((by_item[doc_id] for doc_id in doc_ids), key=_canonical).doc_id
        for doc_id in doc_ids:
            result[doc_id] = key
    return result


def _border_items(blocks: list[Block], cfg: ClusterSettings) -> list[tuple[ClusterItem, ...]]:
    """For each two consecutive windows of one country, the items within ``date_window_days`` of their border."""
    margin = cfg.date_window_days
    parts = []
    for left, right in zip(blocks, blocks[1:]):
        if left.country != right.country or left.window == _UNDATED or right.window != left.window + 1:
            continue
        border = right.window * cfg.block_days
        near = [i for i in left.items if (day := _reference_day(i)) is not None and day >= border - margin - 1]
        near += [i for i in right.items if (day := _reference_day(i)) is not None and day <= border + margin]
        if near and any(i in right.items for i in near) and any(i in left.items for i in near):
            parts.append(tuple(near))
    return parts
