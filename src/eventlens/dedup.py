"""Near-duplicate detection: syndicated or wire copies of one report are linked, not counted twice.

MinHash (datasketch) over word shingles of the cleaned text. The LSH band index lives in the store
(table ``minhash_bands``), so memory stays flat however many documents are stored, and copies are
found across runs as well as within one. Documents of the batch being processed are indexed in
memory until the batch is written.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from .settings import DedupSettings

__all__ = ["CopyFinder", "Signature", "band_params"]

_WORD = re.compile(r"\w+")
_SEED = 1  # fixed, so signatures stored by one run match the next
_SCHEME = "affine64"  # stored as uint64; named explicitly so stored signatures keep their meaning

BandKey = tuple[int, int]
#: (band keys) -> {doc_id: signature bytes} of stored documents sharing a band with the query.
CandidateLookup = Callable[[list[BandKey]], dict[str, bytes]]


@dataclass(frozen=True, slots=True)
class Signature:
    """A document's MinHash values and its LSH band keys."""

    doc_id: str
    values: np.ndarray
    bands: tuple[BandKey, ...]

    @property
    def blob(self) -> bytes:
        return self.values.astype(np.uint64).tobytes()


@lru_cache(maxsize=16)
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising the equally weighted false-positive and false-negative areas.

    The same optimisation datasketch's MinHashLSH does, written out so the store can hold the bands.
    """

    def area(fn: Callable[[float], float], lo: float, hi: float, steps: int = 200) -> float:
        width = (hi - lo) / steps
        return sum(fn(lo + (i + 0.5) * width) for i in range(steps)) * width

    best = (math.inf, 1, num_perm)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp = area(lambda s: 1 - (1 - s**rows) ** bands, 0.0, threshold)
            fn = area(lambda s: (1 - s**rows) ** bands, threshold, 1.0)
            if fp + fn < best[0]:
                best = (fp + fn, bands, rows)
    return best[1], best[2]


class CopyFinder:
    """Find, for each new document, a stored or earlier document it is a near-copy of."""

    def __init__(self, cfg: DedupSettings, lookup: CandidateLookup) -> None:
        self.cfg = cfg
        self._lookup = lookup
        self._permutations = MinHash(num_perm=cfg.num_perm, seed=_SEED, scheme=_SCHEME).permutations
        self._bands, self._rows = band_params(cfg.threshold, cfg.num_perm)
        self._pending: dict[BandKey, list[str]] = {}
        self._pending_values: dict[str, np.ndarray] = {}

    def signature(self, doc_id: str, text: str) -> Signature:
        """MinHash of the text's lower-cased word shingles, with its band keys."""
        words = [w.lower() for w in _WORD.findall(text)]
        size = self.cfg.shingle_words
        shingles = {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}
        minhash = MinHash(num_perm=self.cfg.num_perm, seed=_SEED, scheme=_SCHEME, permutations=self._permutations)
        minhash.update_batch([s.encode("utf-8") for s in shingles])
        values = np.asarray(minhash.hashvalues, dtype=np.uint64)
        return Signature(doc_id, values, self._band_keys(values))

    def _band_keys(self, values: np.ndarray) -> tuple[BandKey, ...]:
        keys = []
        for band in range(self._bands):
            chunk = values[band * self._rows : (band + 1) * self._rows].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8).digest()
            keys.append((band, int.from_bytes(digest, "big", signed=True)))
        return tuple(keys)

    def find_similar(self, sig: Signature) -> str | None:
        """The most similar indexed document at or above the threshold (ties: smallest doc_id), or None."""
        candidates = self._lookup(list(sig.bands))
        for key in sig.bands:
            for other in self._pending.get(key, ()):
                candidates.setdefault(other, b"")
        best: tuple[float, str] | None = None
        for other, blob in sorted(candidates.items()):
            if other == sig.doc_id:
                continue
            values = self._pending_values.get(other)
            if values is None:
                values = np.frombuffer(blob, dtype=np.uint64)
            if len(values) != len(sig.values):
                continue  # stored under other settings
            similarity = float(np.mean(values == sig.values))
            if similarity >= self.cfg.threshold and (best is None or similarity > best[0]):
                best = (similarity, other)
        return best[1] if best else None

    def add_pending(self, sig: Signature) -> None:
        """Index a document of the current batch until the store has it."""
        for key in sig.bands:
            self._pending.setdefault(key, []).append(sig.doc_id)
        self._pending_values[sig.doc_id] = sig.values

    def flush(self) -> None:
        """Forget the in-memory index once the batch's signatures are stored."""
        self._pending.clear()
        self._pending_values.clear()
