"""The ASGI app: `create_app(settings)` builds it; `mappa web` serves it with uvicorn."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from config import runtime
from config.settings import LOOPBACK_HOSTS, Settings, web_secret
from db.session import engine_for
from feeds.record import Receipt, ReceiptError
from feeds.values import parse_date, parse_prison_number

from . import caseload as cases
from . import data
from .access import load_access
from .auth import Forbidden, Person, SignInNeeded, current_person, oidc_client, person_from_claims, safe_next, sign_in
from .navigation import NAVIGATION
from .security import SecurityHeaders, csrf_ok, csrf_token

HERE = Path(__file__).parent


class WebSettingsError(ValueError):
    """A setting the web pages need is missing; the message names it."""


def required(settings: Settings) -> None:
    missing = [
        name
        for name, value in (
            ("MAPPA_OIDC_ISSUER", settings.oidc_issuer),
            ("MAPPA_OIDC_CLIENT_ID", settings.oidc_client_id),
            ("MAPPA_WEB_ACCESS_FILE", settings.web_access_file),
            ("MAPPA_WEB_SECRET_KEY (or _FILE)", web_secret(settings, "web_secret_key")),
        )
        if not value
    ]
    if missing:
        raise WebSettingsError(f"mappa web needs {', '.join(missing)} (see docs/operations.md)")


def templates() -> Jinja2Templates:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(HERE / "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=True,  # GOV.UK Frontend's macros test optional values, so not StrictUndefined
    )
    env.filters["day"] = lambda value: value.strftime("%-d %b %Y") if isinstance(value, date) else (value or "")
    env.filters["label"] = lambda value: str(value or "").replace("-", " ").replace("_", " ").capitalize()
    return Jinja2Templates(env=env)


def create_app(settings: Settings, host: str = "127.0.0.1", clock: Callable[[], float] = time.time) -> Starlette:
    required(settings)
    assert settings.web_access_file is not None
    rules = load_access(settings.web_access_file)  # a bad file stops the start, with its line and reason
    oauth = oidc_client(settings)
    pages = templates()
    idle = settings.web_idle_minutes * 60
    engine = engine_for(settings.database)

    def today() -> date:
        return runtime.london_today()

    def person(request: Request, role: str = "viewer") -> Person:
        who = current_person(request, idle, clock)
        if not who.grant.may(role):
            raise Forbidden
        return who

    def render(request: Request, name: str, who: Person | None, status: int = 200, **context) -> HTMLResponse:
        links = [link for link in NAVIGATION if who is not None and who.grant.may(link.role)]
        context |= {
            "cspNonce": request.state.nonce,
            "who": who,
            "navigation": links,
            "path": request.url.path,
            "csrf": csrf_token(request),
        }
        return pages.TemplateResponse(request, name, context, status_code=status)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def login(request: Request) -> Response:
        request.session["next"] = safe_next(request.query_params.get("next"))
        return await oauth.idp.authorize_redirect(request, str(request.url_for("callback")))

    async def callback(request: Request) -> Response:
        token = await oauth.idp.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        wanted = safe_next(request.session.get("next"))
        who = person_from_claims(claims, settings, rules)
        if who is None:
            request.session.clear()
            return render(
                request, "forbidden.html", None, 403, reason="You are not on the list of people who may use it."
            )
        sign_in(request, who, clock)
        return RedirectResponse(wanted, status_code=303)

    async def logout(request: Request) -> Response:
        form = await request.form()
        if not csrf_ok(request, form.get("csrf_token")):
            return render(request, "forbidden.html", None, 403, reason="The form had expired. Go back and try again.")
        request.session.clear()
        return render(request, "signed_out.html", None)

    async def caseload(request: Request) -> Response:
        who = person(request)
        filters, errors = _filters(request)
        if request.query_params.get("format") == "csv":
            pieces, written = cases.csv_pieces(engine, who.grant, today(), filters)
            data.log_access(engine, who.identity, "caseload-download", rows=written, state=filters.state)
            headers = {"Content-Disposition": 'attachment; filename="caseload.csv"'}
            return StreamingResponse(iter(pieces), media_type="text/csv; charset=utf-8", headers=headers)
        rows, total, page = cases.page_of(engine, who.grant, today(), filters, _page(request))
        return render(
            request,
            "caseload.html",
            who,
            rows=rows,
            total=total,
            page=page,
            pages=cases.last_page(total),
            filters=filters,
            errors=errors,
            states=cases.OPEN_STATES,
            query=request.url.query,
        )

    def held(request: Request, who: Person) -> str:
        try:
            number = parse_prison_number(request.path_params["prison_number"])
        except ValueError:
            raise HTTPException(404) from None
        if data.held_establishment(engine, who.grant, number) is None:
            raise HTTPException(404)  # the same answer as for a number that does not exist
        return number

    async def case(request: Request) -> Response:
        who = person(request)
        number = held(request, who)
        record = data.case_record(engine, who.grant, number, today())
        if record is None:
            raise HTTPException(404)
        data.log_access(engine, who.identity, "case-view", number)
        return render(request, "case.html", who, case=record, may_record=who.grant.may("recorder"))

    async def record_form(request: Request) -> Response:
        who = person(request, "recorder")
        number = held(request, who)
        if request.method == "GET":
            return render(request, "record.html", who, number=number, form={}, error=None, missing=None)
        form = dict(await request.form())
        if not csrf_ok(request, form.get("csrf_token")):
            return render(request, "forbidden.html", who, 403, reason="The form had expired. Go back and try again.")
        try:
            receipt = _receipt(number, who.identity, form, today())
            missing = data.record(engine, receipt, today())
        except ReceiptError as error:
            reason = in_words(str(error))
            return render(request, "record.html", who, 400, number=number, form=form, error=reason, missing=None)
        data.log_access(engine, who.identity, "record", number)
        return render(request, "recorded.html", who, number=number, missing=missing)

    async def problems(request: Request) -> Response:
        who = person(request)
        problems, total, page = data.problems(engine, who.grant, _page(request))
        pages = cases.last_page(total)
        return render(request, "problems.html", who, problems=problems, total=total, page=page, pages=pages)

    async def reports(request: Request) -> Response:
        """The compliance report for the person's prisons; ?format=pdf or csv downloads it (logged: the
        at-risk list names people)."""
        who = person(request)
        period, error = _period(request, today())
        report = data.report(engine, who.grant, *period, today())
        wanted = request.query_params.get("format")
        if wanted in ("pdf", "csv") and error is None:
            from notifications.report.formats import render_csv
            from notifications.report.pdf import render_pdf

            data.log_access(engine, who.identity, f"report-download-{wanted}", rows=len(report.at_risk))
            body, kind = (
                (render_pdf(report), "application/pdf") if wanted == "pdf" else (render_csv(report), "text/csv")
            )
            name = f"mappa-report-{period[0]}-to-{period[1]}.{wanted}"
            return Response(body, media_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'})
        from notifications.report.charts import charts
        from notifications.report.formats import MEASURE_LABELS, MEASURES, headline

        data.log_access(engine, who.identity, "report-view", rows=len(report.at_risk))
        drawn = charts(report)
        images = {c.name: "data:image/png;base64," + base64.b64encode(c.png).decode() for c in drawn}
        return render(
            request,
            "reports.html",
            who,
            report=report,
            headline=headline(report),
            charts=drawn,
            images=images,
            measures=MEASURES,
            labels=MEASURE_LABELS,
            error=error,
            query=f"from={period[0]}&to={period[1]}",
        )

    async def access_log(request: Request) -> Response:
        who = person(request, "admin")
        return render(request, "access_log.html", who, entries=data.access_log(engine))

    async def sign_in_needed(request: Request, exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/auth/login?next={_quote(target)}", status_code=303)

    async def forbidden(request: Request, exc: Exception) -> Response:
        return render(request, "forbidden.html", None, 403, reason="Your role does not allow this.")

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            return render(request, "not_found.html", None, 404)
        return PlainTextResponse(str(getattr(exc, "detail", "")), status_code=status)

    routes = [
        Route("/health", health),
        Route("/auth/login", login),
        Route("/auth/callback", callback, name="callback"),
        Route("/auth/logout", logout, methods=["POST"]),
        Route("/", caseload),
        Route("/cases/{prison_number}", case),
        Route("/cases/{prison_number}/record", record_form, methods=["GET", "POST"]),
        Route("/problems", problems),
        Route("/reports", reports),
        Route("/access-log", access_log),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    secret = web_secret(settings, "web_secret_key")
    assert secret is not None
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=secret,
            session_cookie="mappa_session",
            max_age=idle,
            same_site="lax",
            https_only=host not in LOOPBACK_HOSTS,
        ),
    ]
    handlers = {SignInNeeded: sign_in_needed, Forbidden: forbidden, HTTPException: http_error}
    return Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)  # type: ignore[arg-type]


def in_words(reason: str) -> str:
    """`mappa record`'s reasons name its options; on the page they name the form's fields."""
    for option, field in (("--meeting-date", "the meeting date"), ("--not-eligible", "not eligible"), ("--on", "when")):
        reason = reason.replace(option, field)
    return reason.replace("--by", "your sign-in name").replace("--", "")


REPORT_WEEKS = 12


def _period(request: Request, today: date) -> tuple[tuple[date, date], str | None]:
    """?from= and ?to= (default: the 12 weeks to today); a bad or impossible period falls back, with a reason."""
    default = (today - timedelta(weeks=REPORT_WEEKS) + timedelta(days=1), today)
    try:
        start = parse_date(request.query_params.get("from") or str(default[0]))
        end = parse_date(request.query_params.get("to") or str(default[1]))
    except ValueError:
        return default, "Enter the dates as YYYY-MM-DD or DD/MM/YYYY."
    if start is None or end is None or start > end:
        return default, "The period must start on or before the day it ends."
    if end > today:
        return default, "The period cannot end after today: the report is as known today."
    return (start, end), None


def _quote(path: str) -> str:
    return quote(path, safe="")


def _filters(request: Request) -> tuple[cases.Filters, list[str]]:
    state = request.query_params.get("state") or None
    weeks_text = (request.query_params.get("due_within_weeks") or "").strip()
    errors = []
    if state is not None and state not in cases.OPEN_STATES:
        errors.append("Choose a state from the list")
        state = None
    weeks = None
    if weeks_text:
        if weeks_text.isdigit() and 0 <= int(weeks_text) <= 104:
            weeks = int(weeks_text)
        else:
            errors.append("Weeks must be a whole number from 0 to 104")
    return cases.Filters(state, weeks), errors


def _page(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return max(int(text), 1) if text.isdigit() and len(text) < 7 else 1


def _receipt(number: str, actor: str, form: dict, today: date) -> Receipt:
    def whole(name: str, low: int, high: int) -> int | None:
        text = str(form.get(name) or "").strip()
        if not text:
            return None
        if not text.isdigit() or not low <= int(text) <= high:
            raise ReceiptError(f"{name.replace('_', ' ')} must be a number from {low} to {high}")
        return int(text)

    def day(name: str) -> date | None:
        text = str(form.get(name) or "").strip()
        try:
            return parse_date(text) if text else None
        except ValueError as error:
            raise ReceiptError(f"{name.replace('_', ' ')}: {error}") from None

    on = day("on") or today
    meeting = day("meeting_date")
    return Receipt(
        number,
        actor,
        on,
        whole("category", 1, 4),
        whole("level", 0, 3),
        meeting,
        form.get("not_eligible") == "yes",
    )
