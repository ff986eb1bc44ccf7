"""Building the API caller from settings, and syncing establishments with it (for the CLI and the flow)."""

from __future__ import annotations

import asyncio
from datetime import date
from functools import partial

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from config.policy import PolicyBook
from config.settings import Settings, hmpps_secret
from db.models import Establishment, SourceSync
from feeds.hmpps.auth import TokenStore
from feeds.hmpps.calls import Caller
from feeds.hmpps.sync import EstablishmentResult, Sources, SyncRun, sync_establishment
from rules.calendar import WorkingCalendar

REQUIRED = ("hmpps_auth_url", "prisoner_search_url", "probation_api_url", "hmpps_client_id")
_tokens: dict[tuple[str, str], TokenStore] = {}


class SyncNotConfigured(RuntimeError):
    pass


def check_configured(settings: Settings) -> None:
    missing = [f"MAPPA_{name.upper()}" for name in REQUIRED if not getattr(settings, name)]
    if settings.hmpps_client_secret is None and settings.hmpps_client_secret_file is None:
        missing.append("MAPPA_HMPPS_CLIENT_SECRET (or MAPPA_HMPPS_CLIENT_SECRET_FILE)")
    if missing:
        raise SyncNotConfigured(f"the HMPPS sync is not configured: set {', '.join(missing)}")


def token_store(settings: Settings) -> TokenStore:
    """One token per process and client, reused by every establishment until it nears expiry."""
    key = (settings.hmpps_auth_url, settings.hmpps_client_id)
    if key not in _tokens:
        _tokens[key] = TokenStore(settings.hmpps_auth_url, settings.hmpps_client_id, partial(hmpps_secret, settings))
    return _tokens[key]


def caller(settings: Settings, backoff: float = 0.5) -> Caller:
    return Caller(
        token_store(settings),
        timeout=settings.hmpps_timeout,
        concurrency=settings.hmpps_max_concurrency,
        rate=settings.hmpps_max_rate,
        retries=settings.hmpps_retries,
        backoff=backoff,
    )


def establishment_codes(session: Session, wanted: list[str] | None = None) -> list[str]:
    """Every establishment in the establishments table, or the ones asked for (each must be there)."""
    held = list(session.scalars(select(Establishment.code).order_by(Establishment.code)))
    if not wanted:
        return held
    unknown = sorted({code.upper() for code in wanted} - set(held))
    if unknown:
        raise SyncNotConfigured(f"not in the establishments table: {', '.join(unknown)} (import it first)")
    return sorted({code.upper() for code in wanted})


def sync_one(
    engine: Engine,
    settings: Settings,
    book: PolicyBook,
    calendar: WorkingCalendar,
    code: str,
    night: date,
    dry_run: bool = False,
    backoff: float | None = None,
) -> EstablishmentResult:
    check_configured(settings)
    sources = Sources(settings.prisoner_search_url, settings.probation_api_url)

    async def go() -> EstablishmentResult:
        async with caller(settings, settings.hmpps_backoff if backoff is None else backoff) as api:
            return await sync_establishment(SyncRun(engine, api, sources, book, calendar, night, dry_run), code)

    return asyncio.run(go())


def data_ages(session: Session, codes: list[str], night: date) -> dict[str, int | None]:
    """Nights since each establishment's last whole sync (None: never synced whole)."""
    rows = session.execute(
        select(SourceSync.establishment_code, SourceSync.last_success_night).where(
            SourceSync.establishment_code.in_(codes)
        )
    )
    last = dict(rows.tuples().all())
    return {code: (night - last[code]).days if last.get(code) else None for code in codes}
