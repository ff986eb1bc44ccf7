"""The HMPPS sync: every establishment's prisoners from Prisoner Search, their COMs and MAPPA from probation.

One task per establishment (retried); an establishment that still fails keeps its last data
and the run ends Failed naming it. The nightly check is chained to this flow's end, whatever
its outcome (prefect.yaml), so it decides on tonight's data, or flags the stale prisons.
"""

from __future__ import annotations

from datetime import date

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from config import runtime
from config.settings import get_settings
from tasks.sync import ages_of_data, codes_to_sync, sync_establishment

COLUMNS = ("seen", "new", "changed", "transferred", "released", "probation_asked", "calls", "error_count")


def run_name() -> str:
    return f"sync-hmpps-{flow_run.parameters.get('as_of') or runtime.london_today()}"


@flow(name="sync-hmpps", flow_run_name=run_name, log_prints=False)
def sync_hmpps(
    establishments: list[str] | None = None,
    as_of: date | None = None,
    dry_run: bool = False,
    retry_delay_seconds: float | None = None,
):
    """Sync the establishments (default: every one in the establishments table) for the night `as_of`.

    `as_of` (default today in Europe/London) is the night the sync stands for: the horizon and
    "first seen" are measured from it. `dry_run` fetches and compares but writes nothing.
    """
    night = as_of or runtime.london_today()
    delay = get_settings().hmpps_task_retry_delay if retry_delay_seconds is None else retry_delay_seconds
    task = sync_establishment.with_options(retry_delay_seconds=delay)
    rows = []
    codes = codes_to_sync(establishments)
    for code in codes:
        state = task(code, night, dry_run, return_state=True)
        if state.is_completed():
            rows.append(state.result())
        else:
            rows.append({"code": code, "failed": _reason(state), **dict.fromkeys(COLUMNS, 0)})
    ages = ages_of_data(codes, night) if codes else {}
    for row in rows:
        row["data_age_nights"] = ages.get(row["code"])
    create_markdown_artifact(
        key="hmpps-sync", markdown=summary_markdown(night, rows), description=f"HMPPS sync {night}"
    )
    return verdict(night, rows)


def _reason(state) -> str:
    try:
        state.result()
    except Exception as error:  # the task's own exception: names the establishment and the call, never a secret
        return str(error)
    return state.message or state.name


def summary_markdown(night: date, rows: list[dict]) -> str:
    lines = [
        f"# HMPPS sync for {night}",
        "",
        "| establishment | " + " | ".join(c.replace("_", " ") for c in COLUMNS) + " | data age | errors |",
        "|---" * (len(COLUMNS) + 3) + "|",
    ]
    for row in rows:
        age = _age(row.get("data_age_nights"))
        errors = row.get("failed") or "; ".join(row.get("errors") or []) or "none"
        lines.append(f"| {row['code']} | " + " | ".join(str(row.get(c, 0)) for c in COLUMNS) + f" | {age} | {errors} |")
    return "\n".join(lines)


def _age(nights: int | None) -> str:
    if nights is None:
        return "never synced whole"
    return "tonight" if nights == 0 else f"{nights} nights old"


def verdict(night: date, rows: list[dict]):
    failed = [row["code"] for row in rows if row.get("failed")]
    errors = [
        f"{row['code']} ({row['error_count']})" for row in rows if not row.get("failed") and row.get("error_count")
    ]
    reasons = []
    if failed:
        reasons.append(
            f"{len(failed)} of {len(rows)} establishments failed and keep their last data: {', '.join(failed)}"
        )
    if errors:
        reasons.append(f"probation calls failed at {', '.join(errors)}: those prisoners are asked again next night")
    if reasons:
        return Failed(message="; ".join(reasons), data=rows)
    return Completed(message=f"{len(rows)} establishments synced for {night}", data=rows)
