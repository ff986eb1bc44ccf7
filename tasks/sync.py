"""Prefect tasks of the HMPPS sync: one establishment per task, raising when it failed so Prefect retries it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from config import runtime
from config.settings import get_settings
from db.session import session_factory
from feeds.hmpps.runner import data_ages, establishment_codes, sync_one


class EstablishmentFailed(RuntimeError):
    """Its data is as it was; the message names the establishment and the failed call (no secrets)."""


@task(name="establishments-to-sync", cache_policy=NO_CACHE)
def codes_to_sync(wanted: list[str] | None) -> list[str]:
    with session_factory(runtime.database())() as session:
        return establishment_codes(session, wanted)


@task(name="sync-establishment", cache_policy=NO_CACHE, task_run_name="sync-{code}", retries=2, retry_delay_seconds=60)
def sync_establishment(code: str, night: date, dry_run: bool) -> dict:
    result = sync_one(runtime.database(), get_settings(), runtime.policy(), runtime.calendar(), code, night, dry_run)
    summary = asdict(result)
    emit_event(
        event="mappa.sync.establishment.failed" if result.failed else "mappa.sync.establishment.synced",
        resource={"prefect.resource.id": f"mappa.establishment.{code}", "prefect.resource.name": code},
        payload={k: v for k, v in summary.items() if k != "errors"} | {"night": night.isoformat()},
    )
    logger = get_run_logger()
    if result.failed:
        logger.error("%s: the sync failed, its data is kept as it was: %s", code, result.failed)
        raise EstablishmentFailed(f"{code}: {result.failed}")
    logger.info(
        "%s: %d prisoners seen, %d new, %d changed, %d transferred, %d released, %d asked at probation, %d calls",
        code,
        result.seen,
        result.new,
        result.changed,
        result.transferred,
        result.released,
        result.probation_asked,
        result.calls,
    )
    for error in result.errors:
        logger.warning("%s: %s", code, error)
    return summary


@task(name="data-ages", cache_policy=NO_CACHE)
def ages_of_data(codes: list[str], night: date) -> dict[str, int | None]:
    with session_factory(runtime.database())() as session:
        return data_ages(session, codes, night)
