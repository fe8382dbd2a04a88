"""The local web UI and HTTP API over a store: ``create_app(store_url, token=None) -> FastAPI``.

Pages (server-rendered, Jinja2 with autoescape on everywhere; article text is never marked safe): the
incident list (filters, sort, pages), the map (offline country outlines, markers sized by fatalities),
an incident (figures, sources side by side with their claim sentences highlighted, statements,
disagreements, background, knowledge timeline) and a document (cleaned text with removed boilerplate
greyed and every mention highlighted). The JSON API under ``/api`` has the same reads, paginated, and
the writes: ``POST /api/documents`` runs the pipeline on new reports into the same store (they attach to
the stored incidents) and the analysts' corrections (``store.corrections``).

Reads are open; every write needs ``Authorization: Bearer <token>``, and with no token configured every
write is refused. Every response carries a Content-Security-Policy that allows scripts from this server
only (no inline script), bodies over ``max_body`` bytes get 413, and errors are JSON ``{"detail": ...}``
(validation errors FastAPI's list) without a stack trace.
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..model import Document, DocumentLink, Incident
from ..store import Store
from ..store import corrections as fixes
from . import queries, views
from .schemas import (
    ClaimPage,
    CorrectionOut,
    DocumentPage,
    DocumentsIn,
    ErrorOut,
    FigureIn,
    IncidentPage,
    IngestOut,
    MapPoint,
    MergeIn,
    SearchOut,
    SplitIn,
)

__all__ = ["CSP", "create_app"]

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
PAGE_SIZE = 50

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input"},
    404: {"model": ErrorOut, "description": "Not found"},
    413: {"model": ErrorOut, "description": "Request body too large"},
}
_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    401: {"model": ErrorOut, "description": "No token given"},
    403: {"model": ErrorOut, "description": "Wrong token, or writes disabled (no EVENTLENS_TOKEN)"},
    409: {"model": ErrorOut, "description": "The correction does not fit the stored incidents"},
}


class _Guard:
    """Pure ASGI middleware: security headers on every response, 413 for a body over the limit."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _send_json(send, 413, {"detail": f"request body over {self.max_body} bytes"})
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:  # a chunked body with no Content-Length
                    raise StarletteHTTPException(413, f"request body over {self.max_body} bytes")
            return message

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, limited, secured)


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"content-security-policy", CSP.encode()),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


_BEARER = HTTPBearer(auto_error=False, description="The server's EVENTLENS_TOKEN")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
Day = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="ISO date or prefix")]


def _flt(
    date_from: Day = None,
    date_to: Day = None,
    country: Annotated[str | None, Query(max_length=8)] = None,
    type: Annotated[str | None, Query(max_length=64, description="ACLED type, sub-type or category")] = None,
    min_killed: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> queries.IncidentFilter:
    return queries.IncidentFilter(date_from, date_to, country, type, min_killed, q)

Filter = Annotated[queries.IncidentFilter, Depends(_flt)]
Sort = Annotated[str, Query(pattern="^-?(date|killed|sources|country|location)$")]


def _environment() -> Environment:
    # Autoescape for every template whatever its name: all values are article text or derived from it.
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(marker_radius=views.marker_radius, safe_url=views.safe_url)
    return env


def create_app(store_url: str | Path, token: str | None = None, *, max_body: int = 2_000_000) -> FastAPI:
    """The application over the store at ``store_url``; writes need ``token`` (None refuses them all)."""
    store = Store(store_url)
    env = _environment()
    write_lock = threading.Lock()

    app = FastAPI(
        title="eventlens",
        version="0.1.0",
        description="Incidents fused from news reports, their sources, claims and corrections.",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN and inline: not under this CSP
        redoc_url=None,
    )
    app.state.store = store
    app.add_middleware(_Guard, max_body=max_body)
    app.mount("/static/leaflet", StaticFiles(directory=_leaflet_dir()), name="leaflet")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(request_path=request.url.path, **context)
        return HTMLResponse(html, status_code=status)

    def writer(credentials: Credentials) -> None:
        if token is None:
            raise HTTPException(403, "writes are disabled: start the server with EVENTLENS_TOKEN set")
        if credentials is None:
            raise HTTPException(401, "this write needs 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"})
        if not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
            raise HTTPException(403, "wrong token")

    # -- errors: JSON for the API, a small page for the pages, never a traceback ------------------------

    def _wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api") or request.method != "GET"

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        if _wants_json(request):
            return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return render(request, "error.html", status=exc.status_code, status_code=exc.status_code, detail=detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in exc.errors()]
        if _wants_json(request):
            return JSONResponse({"detail": errors}, status_code=422)
        return render(request, "error.html", status=422, status_code=422, detail="; ".join(e["msg"] for e in errors))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        logger.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)

    # -- pages -------------------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/incidents")

    @app.get("/incidents", response_class=HTMLResponse, include_in_schema=False)
    def incidents_page(request: Request) -> HTMLResponse:
        params = request.query_params
        flt = _filter_from(params)
        sort = params.get("sort", "-date")
        page = max(_int(params.get("page")) or 1, 1)
        total, rows = queries.incident_page(store, flt, sort=sort, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        kept = {k: v for k, v in params.items() if k not in ("page", "sort") and v}
        return render(
            request,
            "incidents.html",
            rows=rows,
            total=total,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            sort=sort,
            filters=kept,
            query=lambda **extra: "?" + urlencode({**kept, "sort": sort, **{k: v for k, v in extra.items() if v is not None}}),
        )

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request) -> HTMLResponse:
        return render(request, "map.html", api="/api/map?" + urlencode({k: v for k, v in request.query_params.items() if v}))

    @app.get("/incidents/{incident_id}", response_class=HTMLResponse, include_in_schema=False)
    def incident_detail(request: Request, incident_id: str) -> HTMLResponse:
        incident = _incident_or_404(incident_id)
        links = _links_for(incident)
        view = views.incident_view(incident, links, store.text_of)
        return render(
            request,
            "incident.html",
            incident=incident,
            view=view,
            corrections=fixes.corrections_for(store, incident_id),
        )

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request) -> HTMLResponse:
        page = max(_int(request.query_params.get("page")) or 1, 1)
        q = request.query_params.get("q") or None
        total, rows = queries.document_page(store, q=q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        return render(request, "documents.html", rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)), q=q or "")

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_detail(request: Request, doc_id: str) -> HTMLResponse:
        doc = queries.get_document(store, doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id}")
        return render(
            request,
            "document.html",
            doc=doc,
            pieces=views.document_pieces(doc),
            links=queries.links_of(store, doc_id=doc_id),
        )

    # -- API: reads ------------------------------------------------------------------------------------

    @app.get("/api/incidents", response_model=IncidentPage, responses=_ERRORS, tags=["incidents"])
    def list_incidents(flt: Filter, sort: Sort = "-date", limit: Limit = 50, offset: Offset = 0) -> Any:
        """Incidents matching the filters, one page, with the total."""
        total, rows = queries.incident_page(store, flt, sort=sort, limit=limit, offset=offset)
        return {"total": total, "limit": limit, "offset": offset, "items": rows}

    @app.get("/api/map", response_model=list[MapPoint], responses=_ERRORS, tags=["incidents"])
    def list_points(flt: Filter, limit: Annotated[int, Query(ge=1, le=5000)] = 5000) -> Any:
        """Located incidents for the map (most killed first)."""
        return queries.map_points(store, flt, limit=limit)

    @app.get("/api/incidents/{incident_id}", response_model=Incident, responses=_ERRORS, tags=["incidents"])
    def get_incident(incident_id: str) -> Any:
        """One incident: the fused record with its revisions (corrections included)."""
        return _incident_or_404(incident_id)

    @app.get("/api/incidents/{incident_id}/corrections", response_model=list[CorrectionOut], responses=_ERRORS, tags=["corrections"])
    def list_corrections(incident_id: str) -> Any:
        """The analysts' corrections of one incident, oldest first."""
        _incident_or_404(incident_id)
        return [c.model_dump() for c in fixes.corrections_for(store, incident_id)]

    @app.get("/api/documents", response_model=DocumentPage, responses=_ERRORS, tags=["documents"])
    def list_documents(q: Annotated[str | None, Query(max_length=200)] = None, limit: Limit = 50, offset: Offset = 0) -> Any:
        """Stored documents, newest first; ``q`` keeps those whose title or text holds it."""
        total, rows = queries.document_page(store, q=q, limit=limit, offset=offset)
        return {"total": total, "limit": limit, "offset": offset, "items": rows}

    @app.get("/api/documents/{doc_id}", response_model=Document, responses=_ERRORS, tags=["documents"])
    def get_document(doc_id: str) -> Any:
        """One stored document: cleaned text, removed spans, every annotation with its offsets."""
        doc = queries.get_document(store, doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id}")
        return doc

    @app.get("/api/claims", response_model=ClaimPage, responses=_ERRORS, tags=["claims"])
    def list_claims(
        incident_id: Annotated[str | None, Query(max_length=40)] = None,
        doc_id: Annotated[str | None, Query(max_length=16)] = None,
        figure: Annotated[str | None, Query(max_length=16)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Any:
        """Every source's claim behind the incidents' figures, with its sentence."""
        total, rows = queries.claim_page(store, incident_id=incident_id, doc_id=doc_id, figure=figure, limit=limit, offset=offset)
        return {"total": total, "limit": limit, "offset": offset, "items": rows}

    @app.get("/api/search", response_model=SearchOut, responses=_ERRORS, tags=["search"])
    def search(q: Annotated[str, Query(min_length=1, max_length=200)], limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Offset = 0) -> Any:
        """Incidents (place, summary) and documents (title, text) that hold ``q``."""
        return {"q": q, **queries.search(store, q, limit=limit, offset=offset)}

    # -- API: writes -----------------------------------------------------------------------------------

    Write = Depends(writer)

    @app.post("/api/documents", response_model=IngestOut, responses=_WRITE_ERRORS, dependencies=[Write], tags=["documents"])
    def add_documents(body: DocumentsIn) -> Any:
        """Add reports and run the pipeline on them into this store; they attach to the stored incidents."""
        from ..api import ingest

        with write_lock, tempfile.TemporaryDirectory(prefix="eventlens-post-") as folder:
            path = Path(folder) / "posted.jsonl"
            lines = [json.dumps(item.model_dump(exclude_none=True), ensure_ascii=False) for item in body.documents]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            result = ingest(path, db=store.url)
        return {"counts": result.counts, "doc_ids": list(result.doc_ids), "failures": [f.model_dump() for f in result.failures]}

    # The issue names it ``POST /documents``: the same write, outside the schema.
    app.add_api_route("/documents", add_documents, methods=["POST"], dependencies=[Write], include_in_schema=False)

    @app.post("/api/incidents/{incident_id}/corrections", response_model=Incident, responses=_WRITE_ERRORS, dependencies=[Write], tags=["corrections"])
    def correct(incident_id: str, body: FigureIn) -> Any:
        """Set one figure (or one victim group's part of it) by hand; recorded as a revision with who and why."""
        fix = fixes.FigureCorrection.model_validate(body.model_dump(exclude={"by", "why"}))
        with write_lock:
            try:
                return fixes.correct_figure(store, incident_id, fix, by=body.by, why=body.why)
            except KeyError:
                raise HTTPException(404, f"no incident {incident_id}") from None

    @app.post("/api/incidents/{incident_id}/merge", response_model=Incident, responses=_WRITE_ERRORS, dependencies=[Write], tags=["corrections"])
    def merge(incident_id: str, body: MergeIn) -> Any:
        """File another incident's reports under this one (the other is removed); the merge outlives re-runs."""
        with write_lock:
            try:
                return fixes.merge_incidents(store, incident_id, body.other, by=body.by, why=body.why)
            except KeyError as exc:
                raise HTTPException(404, f"no incident {exc.args[0]}") from None
            except ValueError as exc:
                raise HTTPException(409, str(exc)) from None

    @app.post("/api/incidents/{incident_id}/split", response_model=list[Incident], responses=_WRITE_ERRORS, dependencies=[Write], tags=["corrections"])
    def split(incident_id: str, body: SplitIn) -> Any:
        """Move some reports of this incident to a new one; both are rebuilt, and the split outlives re-runs."""
        with write_lock:
            try:
                return list(fixes.split_incident(store, incident_id, body.doc_ids, by=body.by, why=body.why))
            except KeyError:
                raise HTTPException(404, f"no incident {incident_id}") from None
            except ValueError as exc:
                raise HTTPException(409, str(exc)) from None

    # -- helpers -----------------------------------------------------------------------------------------

    def _incident_or_404(incident_id: str) -> Incident:
        incident = queries.get_incident(store, incident_id)
        if incident is None:
            raise HTTPException(404, f"no incident {incident_id}")
        return incident

    def _links_for(incident: Incident) -> list[DocumentLink]:
        rows = {row["doc_id"]: row for row in _doc_rows(incident.sources)}
        return [
            DocumentLink(
                doc_id=doc_id, status=row["status"], copy_of=row["copy_of"], published=row["published"],
                title=row["title"], outlet=row["outlet"],
            )
            for doc_id, row in rows.items()
        ]

    def _doc_rows(doc_ids: Any) -> list[dict[str, Any]]:
        from sqlalchemy import select

        from ..store import documents

        ids = list(doc_ids)
        if not ids:
            return []
        with store.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(*queries.DOC_COLUMNS).where(documents.c.doc_id.in_(ids))).mappings()]

    return app


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _filter_from(params: Any) -> queries.IncidentFilter:
    """The list page's filters from its query string; a value that does not parse is no filter."""
    day = r"\d{4}(-\d{2}(-\d{2})?)?"
    import re

    def date(name: str) -> str | None:
        value = (params.get(name) or "").strip()
        return value if re.fullmatch(day, value) else None

    return queries.IncidentFilter(
        date_from=date("date_from"),
        date_to=date("date_to"),
        country=(params.get("country") or "").strip()[:8] or None,
        type=(params.get("type") or "").strip()[:64] or None,
        min_killed=_int(params.get("min_killed")),
        q=(params.get("q") or "").strip()[:200] or None,
    )


def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as leaflet

    return Path(leaflet.BASE_DIR)
