"""The dashboard's web application (Starlette): pages, the run API, downloads, static assets.

Routes
------
Pages (``?lang=kk|ru|en`` on any of them; the choice is kept in a cookie):
``/`` world, ``/builder`` scenario builder and run, ``/results/{job}`` results,
``/compare?a=JOB&b=JOB`` two runs side by side.
API: ``POST /api/run`` (JSON) -> ``{"job": id}``; ``POST /api/validate`` (the same JSON) ->
``{"toml": text}`` without running; ``GET /api/jobs/{id}`` state and progress;
``POST /api/jobs/{id}/cancel``; downloads ``/api/jobs/{id}/report.html``, ``countries.csv``,
``countries.parquet``, ``scenario.toml``; ``GET /api/scenarios``; ``GET /api/world``.
Static: ``/static/plotly.min.js`` (from the installed plotly package), ``/static/geo-stub.js``,
``/static/countries.geo.json`` (the report's geometry), ``/static/app.js``, ``/static/style.css``.
"""

from __future__ import annotations

import contextlib
import io
import json
import secrets
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import quote, unquote, urlencode, urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from jahan._i18n import LANGUAGES, check_lang, default_lang, tr
from jahan._validate_numbers import MAX_NESTING, nesting_depth
from jahan.errors import JahanError, Message
from jahan.report.html import template_environment
from jahan.web import pages
from jahan.web.jobs import DONE, JobManager, QueueFull
from jahan.web.runs import ScenarioFileError, parse_run_request

LANG_COOKIE = "jahan_lang"
TOKEN_COOKIE = "jahan_token"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask of the server."""

    max_body_bytes: int = 256 * 1024
    max_draws: int = 2000
    workers: int = 2
    max_queued: int = 8
    keep_jobs: int = 40
    results_in_memory: int = 2  # finished results loaded at once; the others wait on disk


class _World:
    """The world, loaded once on first use and shared by every request and run."""

    def __init__(self, world=None) -> None:
        self._world = world
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            if self._world is None:
                from jahan.world import World

                self._world = World.builtin()
            return self._world


@cache
def _static(name: str) -> bytes:
    if name == "plotly.min.js":
        from plotly.offline import get_plotlyjs

        return get_plotlyjs().encode("utf-8")
    if name == "geo-stub.js":
        from jahan.report.html import GEO_STUB

        return GEO_STUB.encode("utf-8")
    if name == "countries.geo.json":
        return (resources.files("jahan.report") / "assets" / "countries.geo.json").read_bytes()
    return (resources.files("jahan.web") / "static" / name).read_bytes()


_STATIC_TYPES = {
    "plotly.min.js": "text/javascript; charset=utf-8",
    "geo-stub.js": "text/javascript; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "countries.geo.json": "application/json",
}


def error(message: str | Message | JahanError, status: int = 400, lang: str = "en") -> JSONResponse:
    """A JSON error the page shows as is: ``{"error": message}``, in the page's language."""
    if isinstance(message, JahanError):
        message = message.translated(lang)
    elif isinstance(message, Message):
        message = message.render(lang)
    return JSONResponse({"error": message}, status_code=status)


def _not_json(exc: Exception) -> Message:
    """Why a request body is not JSON: the parser's English text, translated by its position."""
    english = f"the request body is not valid JSON: {exc}"
    if isinstance(exc, json.JSONDecodeError):
        return Message(
            "the request body is not valid JSON (line {line}, column {column})",
            english=english,
            line=exc.lineno,
            column=exc.colno,
        )
    if isinstance(exc, UnicodeDecodeError):
        return Message("the request body is not valid JSON: it is not UTF-8 text", english=english)
    return Message("the request body is not valid JSON", english=english)


def request_lang(request: Request) -> str:
    """The page language: ``?lang=``, then the cookie, then the one default of every jahan
    interface (:func:`jahan._i18n.default_lang`: Kazakh, or ``$JAHAN_LANG``)."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value:
            try:
                return check_lang(value)
            except JahanError:
                pass
    return default_lang()


def create_app(
    *,
    world=None,
    token: str | None = None,
    loopback: bool = True,
    limits: Limits | None = None,
) -> Starlette:
    """Build the dashboard application.

    Parameters
    ----------
    world : World, optional
        The world shown and run on (default: ``World.builtin()``, loaded on first use).
    token : str, optional
        When set, every request must carry it (``?token=`` once, then a cookie; or the header
        ``X-Jahan-Token``).
    loopback : bool
        The server listens on loopback only: requests must name a loopback host (this blocks
        DNS-rebinding pages from reaching the server).
    limits : Limits, optional
        Request body size, draws, workers and queue bounds.
    """
    limits = limits or Limits()
    get_world = _World(world)
    jobs = JobManager(
        get_world,
        workers=limits.workers,
        max_queued=limits.max_queued,
        keep=limits.keep_jobs,
        in_memory=limits.results_in_memory,
    )

    def render(request: Request, template: str, lang: str, **context) -> HTMLResponse:
        here = request.url.path
        params = {k: v for k, v in request.query_params.items() if k not in ("lang", "token")}
        switch = {}
        for code in LANGUAGES:
            switch[code] = f"{here}?{urlencode({**params, 'lang': code})}"
        html = (
            template_environment("jahan.web")
            .get_template(template)
            .render(
                lang=lang,
                path=here,
                switch=switch,
                messages=json.dumps(pages.js_messages(lang), ensure_ascii=False),
                **context,
            )
        )
        response = HTMLResponse(html)
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict")
        return response

    # -- pages ------------------------------------------------------------------------------
    async def world_view(request: Request) -> Response:
        lang = request_lang(request)
        context = await run_in_threadpool(pages.world_page, get_world(), lang)
        return render(request, "world.html", lang, page="world", **context)

    async def builder_view(request: Request) -> Response:
        lang = request_lang(request)
        context = await run_in_threadpool(pages.builder_page, get_world(), lang, limits.max_draws)
        return render(
            request,
            "builder.html",
            lang,
            page="builder",
            groups_json=json.dumps(context.pop("groups")),
            names_json=json.dumps(context.pop("names"), ensure_ascii=False),
            **context,
        )

    def _done_job(job_id: str):
        job = jobs.get(job_id)
        return job if job is not None and job.status == DONE else None

    async def results_view(request: Request) -> Response:
        lang = request_lang(request)
        job = _done_job(request.path_params["job"])
        if job is None:
            return HTMLResponse(
                tr(
                    "No finished run with this id: it may still be running, or it was dropped.",
                    lang,
                ),
                status_code=404,
            )
        context = await run_in_threadpool(pages.results_page, job.result, lang)
        return render(
            request, "results.html", lang, page="results", job=job.public(lang), **context
        )

    async def compare_view(request: Request) -> Response:
        lang = request_lang(request)
        finished = [
            {
                "id": j.id,
                "label": f"{pages.localised(j.scenario.spec.scenario, 'name', lang)} "
                f"({tr('draws', lang)} {j.draws}, {tr('seed', lang)} {j.seed})",
            }
            for j in jobs.finished()
        ]
        a, b = request.query_params.get("a"), request.query_params.get("b")
        context = None
        if a and b:
            ja, jb = _done_job(a), _done_job(b)
            if ja is None or jb is None:
                return HTMLResponse(
                    tr(
                        "No finished run with this id: it may still be running, or it was dropped.",
                        lang,
                    ),
                    status_code=404,
                )
            context = await run_in_threadpool(pages.compare_page, ja.result, jb.result, lang)
        return render(
            request,
            "compare.html",
            lang,
            page="compare",
            finished=finished,
            a=a or "",
            b=b or "",
            comparison=context,
        )

    # -- API --------------------------------------------------------------------------------
    async def read_body(request: Request, lang: str) -> bytes | JSONResponse:
        limit = limits.max_body_bytes
        too_large = error(
            Message("request body too large: the limit is {limit} KiB", limit=limit // 1024),
            413,
            lang,
        )
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > 64 * limit):
            return too_large
        body = bytearray()
        over = False
        async for chunk in request.stream():
            # Past the limit the rest is read and dropped (bounded above), so the client
            # receives the 413 instead of a reset connection.
            if not over:
                body += chunk
                over = len(body) > limit
            if over and declared is None:
                break
        return too_large if over else bytes(body)

    async def validated(request: Request):
        """(scenario, text, draws, seed) from a JSON run request, or the error response."""
        lang = request_lang(request)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return error(
                Message("send the run request as JSON (Content-Type: application/json)"),
                415,
                lang,
            )
        body = await read_body(request, lang)
        if isinstance(body, JSONResponse):
            return body
        try:
            text = body.decode("utf-8")
            if nesting_depth(text) > MAX_NESTING:  # json.loads recurses: bound it first
                return error(
                    Message(
                        "the request body nests arrays or objects more than {limit} "
                        "levels deep; a run request needs at most 4",
                        limit=MAX_NESTING,
                    ),
                    400,
                    lang,
                )
            payload = json.loads(text)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            return error(_not_json(exc), 400, lang)
        try:
            scenario, text, draws, seed = await run_in_threadpool(
                parse_run_request, payload, get_world(), limits.max_draws
            )
        except JahanError as exc:
            answer = {"error": exc.translated(lang)}
            if isinstance(exc, ScenarioFileError):
                answer["toml"] = exc.toml  # the text the error's line number refers to
            return JSONResponse(answer, status_code=400)
        return scenario, text, draws, seed

    async def validate_api(request: Request) -> Response:
        checked = await validated(request)
        if isinstance(checked, Response):
            return checked
        scenario, text, draws, seed = checked
        return JSONResponse({"name": scenario.name, "draws": draws, "seed": seed, "toml": text})

    async def run_api(request: Request) -> Response:
        checked = await validated(request)
        if isinstance(checked, Response):
            return checked
        scenario, text, draws, seed = checked
        try:
            job = jobs.submit(scenario, text, draws, seed)
        except QueueFull as exc:
            return error(exc, 429, request_lang(request))
        return JSONResponse({"job": job.id, **job.public(request_lang(request))}, status_code=202)

    async def job_api(request: Request) -> Response:
        lang = request_lang(request)
        job = jobs.get(request.path_params["job"])
        if job is None:
            return error(
                Message("no run with this id (finished runs are kept for a while, then dropped)"),
                404,
                lang,
            )
        return JSONResponse(job.public(lang))

    async def cancel_api(request: Request) -> Response:
        lang = request_lang(request)
        job = jobs.cancel(request.path_params["job"])
        if job is None:
            return error(Message("no run with this id"), 404, lang)
        return JSONResponse(job.public(lang))

    async def download(request: Request) -> Response:
        job = _done_job(request.path_params["job"])
        what = request.path_params["file"]
        if job is None:
            return error(Message("no finished run with this id"), 404, request_lang(request))
        result = job.result
        stem = job.id
        if what == "scenario.toml":
            return Response(
                job.toml,
                media_type="application/toml; charset=utf-8",
                headers=_attachment("scenario.toml"),
            )
        if what == "countries.csv":
            text = await run_in_threadpool(
                lambda: result.countries.reset_index().to_csv(index=False)
            )
            return Response(
                text,
                media_type="text/csv; charset=utf-8",
                headers=_attachment(f"countries_{stem}.csv"),
            )
        if what == "countries.parquet":

            def parquet() -> bytes:
                buffer = io.BytesIO()
                result.to_frame().to_parquet(buffer)
                return buffer.getvalue()

            data = await run_in_threadpool(parquet)
            return Response(
                data,
                media_type="application/vnd.apache.parquet",
                headers=_attachment(f"countries_{stem}.parquet"),
            )
        if what == "report.html":
            from jahan.report.html import render_report

            lang = request_lang(request)
            html = await run_in_threadpool(render_report, result, lang)
            return Response(
                html,
                media_type="text/html; charset=utf-8",
                headers=_attachment(f"report_{stem}_{lang}.html"),
            )
        return error(
            Message(
                "unknown download {what!r}; use scenario.toml, countries.csv, "
                "countries.parquet or report.html",
                what=what,
            ),
            404,
            request_lang(request),
        )

    async def scenarios_api(request: Request) -> Response:
        from jahan.scenario import library

        frame = await run_in_threadpool(library)
        return JSONResponse(frame.reset_index().to_dict(orient="records"))

    async def world_api(request: Request) -> Response:
        w = get_world()
        frame = w.countries[["name_en", "name_ru", "name_kk", "region", "population", "gdp_usd"]]
        return JSONResponse(
            {
                "baseline_year": w.baseline_year,
                "flows_kind": w.flows_kind,
                "countries": pages.json_records(frame.reset_index()),
                "groups": {g: w.group(g) for g in w.group_names()},
            }
        )

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC_TYPES:
            return PlainTextResponse("not found", status_code=404)
        return Response(
            _static(name), media_type=_STATIC_TYPES[name], headers={"Cache-Control": "max-age=3600"}
        )

    routes = [
        Route("/", world_view),
        Route("/builder", builder_view),
        Route("/results/{job}", results_view),
        Route("/compare", compare_view),
        Route("/api/run", run_api, methods=["POST"]),
        Route("/api/validate", validate_api, methods=["POST"]),
        Route("/api/jobs/{job}", job_api),
        Route("/api/jobs/{job}/cancel", cancel_api, methods=["POST"]),
        Route("/api/jobs/{job}/{file}", download),
        Route("/api/scenarios", scenarios_api),
        Route("/api/world", world_api),
        Route("/static/{name}", static),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        jobs.shutdown()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.jobs = jobs
    app.state.limits = limits
    app.add_middleware(_Guard, token=token, loopback=loopback)
    return app


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


DRAIN_LIMIT = 64 * 1024 * 1024
"""Bytes of an unread request body the server reads and drops before answering, so the client
gets the answer (413, 401, 415, ...) instead of a reset connection; a larger body is cut off."""


def _given_token(request: Request) -> bytes:
    """The token a request carries, as UTF-8 bytes (header, ``?token=``, or the cookie).

    HTTP headers travel as bytes that Starlette decodes as Latin-1, so a header is re-encoded
    to Latin-1 to get its bytes back; the cookie holds the percent-encoded token (cookies and
    headers cannot carry Cyrillic or other non-Latin-1 text as is).
    """
    header = request.headers.get("x-jahan-token")
    if header:
        return header.encode("latin-1", errors="replace")
    query = request.query_params.get("token")
    if query:
        return query.encode("utf-8")
    return unquote(request.cookies.get(TOKEN_COOKIE) or "").encode("utf-8")


class _Guard:
    """Checks every request: loopback host names, the token, and same-origin for POSTs; drains
    unread request bodies before any answer."""

    def __init__(self, app, token: str | None, loopback: bool) -> None:
        self.app = app
        self.token = token
        self.loopback = loopback

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = [scope.get("method") in ("GET", "HEAD")]

        async def tracked_receive():
            message = await receive()
            if message["type"] == "http.disconnect" or not message.get("more_body", False):
                body_done[0] = True
            return message

        async def drain() -> None:
            # Read what the application left unread (bounded), so closing the connection after
            # the answer does not reset it while the client is still sending.
            read = 0
            while not body_done[0] and read <= DRAIN_LIMIT:
                message = await tracked_receive()
                read += len(message.get("body", b""))

        async def draining_send(message) -> None:
            if message["type"] == "http.response.start":
                await drain()
            await send(message)

        await self._checked(scope, tracked_receive, draining_send)

    async def _checked(self, scope, receive, send) -> None:
        request = Request(scope)
        host = request.headers.get("host", "")
        hostname = urlsplit(f"//{host}").hostname or ""
        if self.loopback and hostname not in LOOPBACK_HOSTS:
            await error(
                Message(
                    "host {host!r} is not served: this server answers on 127.0.0.1 only", host=host
                ),
                421,
                request_lang(request),
            )(scope, receive, send)
            return
        if request.method == "POST":
            origin = request.headers.get("origin")
            if origin and urlsplit(origin).netloc != host:
                await error(Message("cross-site request refused"), 403, request_lang(request))(
                    scope, receive, send
                )
                return
        set_cookie = False
        if self.token is not None:
            if not secrets.compare_digest(_given_token(request), self.token.encode("utf-8")):
                await error(
                    Message(
                        "a token is required: open the address printed by `jahan serve` "
                        "(it ends in ?token=...)"
                    ),
                    401,
                    request_lang(request),
                )(scope, receive, send)
                return
            set_cookie = request.query_params.get("token") is not None

        async def send_with_cookie(message) -> None:
            if set_cookie and message["type"] == "http.response.start":
                value = quote(self.token or "", safe="")  # ASCII whatever the token's alphabet
                cookie = f"{TOKEN_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict"
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        (b"set-cookie", cookie.encode("latin-1")),
                    ],
                }
            await send(message)

        await self.app(scope, receive, send_with_cookie)


__all__ = ["Limits", "create_app", "request_lang"]
