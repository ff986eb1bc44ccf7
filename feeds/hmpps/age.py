"""How old each sync-fed establishment's data is, for the nightly summary."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from db.models import SourceSync
from db.session import session_factory


def data_age_section(engine: Engine, night: date) -> str:
    """A markdown section: one row per establishment fed by the HMPPS sync ("" when none is)."""
    with session_factory(engine)() as session:
        rows = session.execute(
            select(SourceSync.establishment_code, SourceSync.last_success_night, SourceSync.last_error).order_by(
                SourceSync.establishment_code
            )
        ).all()
    if not rows:
        return ""
    lines = [
        "## Age of the HMPPS data",
        "",
        "| establishment | last whole sync | age | last error |",
        "|---|---|---|---|",
    ]
    for code, last, error in rows:
        age = "never" if last is None else ("tonight" if last >= night else f"{(night - last).days} nights")
        lines.append(f"| {code} | {last or 'never'} | {age} | {(error or '').replace('|', '/')[:200]} |")
    return "\n".join(lines) + "\n"
