"""What the web tests import by name (a module of its own: ``conftest`` names several files in tests/)."""

from __future__ import annotations

import warnings

TOKEN = "test-token"

with warnings.catch_warnings():  # starlette's TestClient warns that httpx will become httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["TOKEN", "TestClient"]
