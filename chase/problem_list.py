"""The open data problems, as `mappa problems`, the night's summary and the digests all see them.

Two sources: the problems the last nightly check stored on each open case, and rejected feed rows
about MAPPA prisoners not yet put right. Oldest first.
"""

from __future__ import annotations

from sqlalchemy import Engine, Text, cast, select

from db.models import Case, RejectedRow
from db.session import session_factory
from rules.problems import ROW_REJECTED, reason

COLUMNS = ("since", "establishment_code", "prison_number", "code", "blocking", "detail", "reason")


def open_problems(engine: Engine, establishments: frozenset[str] | None = None) -> list[dict]:
    """Every open problem (of `establishments` only, if given), oldest first."""
    with session_factory(engine)() as session:
        # only the cases with a problem: most open cases have none, and their JSON need not be read
        stored = cast(Case.problems, Text) != "[]"
        cases = select(Case.prison_number, Case.establishment_code, Case.problems).where(
            Case.closed_state.is_(None), stored
        )
        rows = select(RejectedRow).where(RejectedRow.fixed_at.is_(None))
        if establishments is not None:
            cases = cases.where(Case.establishment_code.in_(sorted(establishments)))
            rows = rows.where(RejectedRow.establishment_code.in_(sorted(establishments)))
        found = [
            _row(number, code, p["code"], p.get("detail") or "", p.get("since"))
            for number, code, problems in session.execute(cases)
            for p in problems or []
            if isinstance(p, dict)
        ]
        found += [
            _row(
                r.prison_number,
                r.establishment_code,
                ROW_REJECTED,
                f"{r.kind} feed {r.file}, line {r.line}: {r.reason}",
                r.rejected_at.date().isoformat(),
                key=f"row-{r.id}",
            )
            for r in session.scalars(rows)
        ]
    return sorted(found, key=lambda p: (p["since"] or "", p["establishment_code"] or "", p["prison_number"] or ""))


def _row(prison_number, establishment_code, code, detail, since, key: str | None = None) -> dict:
    known = reason(code)
    return {
        "since": since,
        "establishment_code": establishment_code,
        "prison_number": prison_number,
        "code": code,
        "blocking": known.blocking,
        "detail": detail,
        "reason": known.sentence,
        "key": key or f"{prison_number}/{code}/{detail}",
    }


def blocking_count(problems: list[dict]) -> int:
    return sum(1 for p in problems if p["blocking"])
