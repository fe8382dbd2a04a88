"""Near-duplicate detection: syndicated or wire copies of one report are linked, not counted twice.

MinHash (datasketch) over word shingles of the cleaned text, with an LSH index seeded from the store
so that copies are found across runs as well as within one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

from .settings import DedupSettings

__all__ = ["CopyFinder"]

_WORD = re.compile(r"\w+")
_SEED = 1  # fixed, so signatures stored by one run match the next
_SCHEME = "affine64"  # stored as uint64; named explicitly so stored signatures keep their meaning


class CopyFinder:
    """Find, for each new document, an earlier document it is a near-copy of."""

    def __init__(self, cfg: DedupSettings | None = None, known: Iterable[tuple[str, bytes]] = ()) -> None:
        self.cfg = cfg or DedupSettings()
        self._lsh = MinHashLSH(threshold=self.cfg.threshold, num_perm=self.cfg.num_perm)
        self._hashes: dict[str, MinHash] = {}
        self._rank: dict[str, int] = {}  # insertion order: the first document seen is the original
        for doc_id, blob in known:
            values = np.frombuffer(blob, dtype=np.uint64)
            if len(values) == self.cfg.num_perm:
                self._add(doc_id, MinHash(num_perm=self.cfg.num_perm, seed=_SEED, hashvalues=values, scheme=_SCHEME))

    def signature(self, text: str) -> MinHash:
        """MinHash of the text's word shingles (lower-cased)."""
        words = [w.lower() for w in _WORD.findall(text)]
        size = self.cfg.shingle_words
        shingles = {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}
        minhash = MinHash(num_perm=self.cfg.num_perm, seed=_SEED, scheme=_SCHEME)
        minhash.update_batch([s.encode("utf-8") for s in shingles])
        return minhash

    def _add(self, doc_id: str, minhash: MinHash) -> None:
        if doc_id not in self._hashes:
            self._lsh.insert(doc_id, minhash)
            self._hashes[doc_id] = minhash
            self._rank[doc_id] = len(self._rank)

    def find_original(self, doc_id: str, text: str) -> tuple[str | None, bytes]:
        """Return (doc_id of the earliest similar document or None, this text's signature as bytes).

        The document is added to the index either way, so later copies of it are found too.
        """
        minhash = self.signature(text)
        matches = [
            other
            for other in self._lsh.query(minhash)
            if other != doc_id and self._hashes[other].jaccard(minhash) >= self.cfg.threshold
        ]
        original = min(matches, key=self._rank.__getitem__) if matches else None
        self._add(doc_id, minhash)
        return original, minhash.hashvalues.astype(np.uint64).tobytes()
