"""The local web UI and HTTP API (``eventlens serve``): see :mod:`eventlens.web.app`."""

from .app import create_app

__all__ = ["create_app"]
