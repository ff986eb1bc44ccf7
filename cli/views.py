"""`mappa status` and `mappa case`: what the tracker knows, for OMU staff."""

from __future__ import annotations

import typer

from chase.views import FIELDS, case_views, notices_of
from cli.common import UserError, database, parse_date_option, settings
from cli.output import Format, plain, print_rows, to_json
from config import runtime
from db.audit import trail
from db.models import Allocation, MappaInformation, Prisoner
from db.session import session_factory
from rules.release import RELEASE_DATE_FIELDS

TABLE_COLUMNS = [
    "prison_number",
    "establishment_code",
    "state",
    "planning_date",
    "next_step",
    "next_step_date",
    "missing",
]


def status(
    establishment: str | None = typer.Option(
        None, "--establishment", "-e", help="Only this prison (3-letter code, e.g. DMI)."
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table for reading, json or csv for other tools."),
    as_of: str | None = typer.Option(None, "--as-of", help="Show the cases as on this date (default: today)."),
) -> None:
    """List tracked cases, most urgent first: state, planning date, next step and what is missing."""
    night = parse_date_option(as_of, "--as-of") or runtime.london_today()
    code = establishment.strip().upper() if establishment else None
    rows = case_views(
        database(),
        night,
        runtime.policy(),
        runtime.calendar(),
        establishment=code,
        allowed_domains=settings().allowed_recipient_domains,
    )
    rows.sort(key=lambda r: (r["planning_date"] is None, r["planning_date"] or night, r["prison_number"]))
    print_rows(rows, TABLE_COLUMNS if fmt is Format.table else list(FIELDS), fmt)


def case(
    prison_number: str = typer.Argument(..., help="The prison number, e.g. A1234BC."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table for reading, json for other tools."),
    as_of: str | None = typer.Option(None, "--as-of", help="Show the case as on this date (default: today)."),
) -> None:
    """Show one case: its dates, people, the MAPPA information received, notices and history."""
    number = prison_number.strip().upper()
    engine = database()
    night = parse_date_option(as_of, "--as-of") or runtime.london_today()
    views = case_views(
        engine,
        night,
        runtime.policy(),
        runtime.calendar(),
        prison_numbers=[number],
        allowed_domains=settings().allowed_recipient_domains,
    )
    details = _details(engine, number)
    if details is None:
        raise UserError(f"no prisoner {number} has been imported")
    view = views[0] if views else {"prison_number": number, "state": "not tracked"}
    record = {**view, **details, "notices": notices_of(engine, number), "history": _history(engine, number)}
    if fmt is Format.json:
        print(to_json(record))
    else:
        _print_case(record)


def _details(engine, number: str) -> dict | None:
    with session_factory(engine)() as session:
        prisoner = session.get(Prisoner, number)
        if prisoner is None:
            return None
        allocation = session.get(Allocation, number)
        info = session.get(MappaInformation, number)
    dates = {k: getattr(prisoner, k) for k in (*RELEASE_DATE_FIELDS, "released_on")}
    return {
        "name": " ".join(p for p in (prisoner.first_name, prisoner.last_name) if p),
        "sentence_type": prisoner.sentence_type,
        "release_dates": dates,
        "prison_mappa_category": prisoner.mappa_category,
        "people": {
            "com": allocation and allocation.com_name,
            "com_email": allocation and allocation.com_email,
            "spo": allocation and allocation.spo_name,
            "spo_email": allocation and allocation.spo_email,
            "pdu": allocation and allocation.pdu_code,
        },
        "information": None
        if info is None
        else {
            "category": info.category,
            "level": info.level,
            "meeting_date": info.meeting_date,
            "not_eligible": info.not_eligible,
            "confirmed_on": info.confirmed_on,
            "source": info.source,
            "recorded_by": info.recorded_by,
        },
    }


def _history(engine, number: str) -> list[dict]:
    with session_factory(engine)() as session:
        return [
            {"seq": e.seq, "at": e.at, "actor": e.actor, "kind": e.kind, "detail": e.detail}
            for e in trail(session, number)
        ]


def _print_case(record: dict) -> None:
    print(f"{record['prison_number']}  {record.get('name', '')}  ({record.get('establishment_code') or '?'})")
    for name in FIELDS[2:]:
        print(f"  {name:<20} {plain(record.get(name))}")
    print("  release dates:      " + ", ".join(f"{k}={v}" for k, v in record["release_dates"].items() if v))
    print("  people:             " + ", ".join(f"{k}={v}" for k, v in record["people"].items() if v))
    print(
        f"  information:        {plain(record['information'] and {k: v for k, v in record['information'].items() if v})}"
    )
    print("notices:")
    for n in record["notices"]:
        print(f"  {plain(n['night'])}  {n['step']:<22} {n['status']:<11} to {plain(n['to'])}")
        for d in n.get("deliveries", []):
            delivered = f" (Notify: {d['notify_status']})" if d["notify_status"] else ""
            print(f"      {d['role']:<3} {d['address']:<40} {d['status']}{delivered}")
    print("history:")
    for e in record["history"]:
        print(
            f"  {e['at']:%Y-%m-%d %H:%M}  {e['kind']:<22} {e['actor']}  {to_json(e['detail']).replace(chr(10), '')[:100]}"
        )


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("case")(case)
