"""db.bulk.insert_rows writes what session.execute(insert(...)) would, on both databases, and the
audit trail it now feeds hashes exactly as before."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Date, insert, select, update
from sqlalchemy.dialects import sqlite as sqlite_dialect

from db import audit
from db.bulk import _dates_as_iso, insert_rows, update_rows
from db.models import AuditEvent, Case, Prisoner
from db.session import transaction

NIGHT = datetime(2027, 1, 4, 1, 30, tzinfo=UTC)


def _prisoner(number: str, **values) -> dict:
    return {"prison_number": number, "first_name": "Jo", "last_name": None, "crd": date(2027, 3, 5), **values}


def _rows(engine, model) -> list[dict]:
    table = model.__table__
    with engine.connect() as connection:
        found = connection.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
    return [dict(row) for row in found]


def test_rows_land_as_the_core_insert_would_land_them(engine):
    with transaction(engine) as session:
        session.execute(insert(Prisoner.__table__), [_prisoner("A0000AA"), _prisoner("A0000AB", ted=None)])
        insert_rows(session, Prisoner.__table__, [_prisoner("B0000AA"), _prisoner("B0000AB", ted=None)])
    by_core, by_bulk = _rows(engine, Prisoner)[:2], _rows(engine, Prisoner)[2:]
    for core, bulk in zip(by_core, by_bulk):
        assert core.pop("updated_at").tzinfo is not None and bulk.pop("updated_at").tzinfo is not None  # the default
        assert {**core, "prison_number": None} == {**bulk, "prison_number": None}


def test_json_and_times_round_trip_and_a_rolled_back_batch_leaves_nothing(engine):
    detail = {"after": {"crd": "2027-03-05", "name": 'O\'Brien "Jo" é'}, "n": [1, None]}
    row = dict(seq=1, at=NIGHT, actor="test", prison_number=None, kind="k", detail=detail, prev_hash="0", hash="1")
    try:
        with transaction(engine) as session:
            insert_rows(session, AuditEvent.__table__, [row])
            raise RuntimeError("give up")
    except RuntimeError:
        pass
    assert _rows(engine, AuditEvent) == []
    with transaction(engine) as session:
        insert_rows(session, AuditEvent.__table__, [row, {**row, "seq": 2, "detail": audit.canonical(detail)}], ())
    first, second = _rows(engine, AuditEvent)
    assert first["detail"] == detail and first["at"] == NIGHT
    assert second["detail"] == audit.canonical(detail)  # not encoded= : a string is stored as a JSON string


def test_the_appended_chain_verifies(engine):
    events = [
        audit.Event("prisoner-added", "import:test", f"A{i:04d}AA", {"after": {"crd": date(2027, 1, i + 1)}})
        for i in range(5)
    ]
    with transaction(engine) as session:
        audit.append(session, events)
        audit.append(session, events[:2])
    with transaction(engine) as session:
        verdict = audit.verify(session)
        stored = session.scalars(select(AuditEvent.detail).order_by(AuditEvent.seq)).all()
    assert verdict.ok and verdict.checked == 7
    assert stored[0] == {"after": {"crd": "2027-01-01"}}


details = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@given(detail=st.dictionaries(st.text(max_size=5), details, max_size=4), actor=st.text(max_size=20))
def test_the_hash_is_the_documented_one(detail, actor):
    """sha256 of json.dumps([prev, seq, at, actor, prison_number, kind, detail], sort_keys, compact)."""
    documented = json.dumps(
        ["0" * 64, 7, NIGHT.isoformat(), actor, None, "kind", detail],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert (
        audit.digest("0" * 64, 7, NIGHT, actor, None, "kind", detail) == hashlib.sha256(documented.encode()).hexdigest()
    )


def test_rows_already_taken_are_left_alone_and_the_rest_land(engine):
    with transaction(engine) as session:
        insert_rows(session, Prisoner.__table__, [_prisoner("A0000AA", first_name="First")])
    with transaction(engine) as session:
        batch = [_prisoner("A0000AA", first_name="Second"), _prisoner("A0000AB"), _prisoner("A0000AB")]
        insert_rows(session, Prisoner.__table__, batch, unless_taken="prison_number")
        insert_rows(session, Prisoner.__table__, [_prisoner("A0000AC")], unless_taken="prison_number")
    rows = _rows(engine, Prisoner)
    assert [(r["prison_number"], r["first_name"]) for r in rows] == [
        ("A0000AA", "First"),
        ("A0000AB", "Jo"),
        ("A0000AC", "Jo"),
    ]


def test_the_stored_text_is_what_sqlalchemy_itself_stores(engine):
    """Not just equal once read back: SQLite compares dates and times as text, so the text must match."""
    on = datetime(2027, 1, 4, 1, 30, 0, tzinfo=UTC)  # no microseconds: isoformat() would drop them
    row = dict(seq=1, at=on, actor="a", prison_number=None, kind="k", detail={"a": 1}, prev_hash="0", hash="1")
    with transaction(engine) as session:
        session.execute(insert(AuditEvent.__table__), [row])
        insert_rows(session, AuditEvent.__table__, [{**row, "seq": 2}])
        session.execute(insert(Prisoner.__table__), [_prisoner("A0000AA")])
        insert_rows(session, Prisoner.__table__, [_prisoner("A0000AB")])
    with engine.connect() as connection:
        times = connection.exec_driver_sql("select cast(at as text) from audit_events order by seq").scalars().all()
        dates = connection.exec_driver_sql("select cast(crd as text) from prisoners order by 1").scalars().all()
    assert times[0] == times[1] and dates[0] == dates[1]


@given(
    detail=st.dictionaries(
        st.text(max_size=5),
        details | st.dates() | st.tuples(st.dates(), st.integers()) | st.frozensets(st.integers(), max_size=1),
        max_size=4,
    )
)
def test_what_is_hashed_is_what_jsonable_makes_of_the_detail(detail):
    assert json.loads(audit.canonical(detail)) == audit.jsonable(detail)
    assert audit.canonical(detail) == audit.canonical(audit.jsonable(detail))


def test_one_of_finds_exactly_the_rows_named_by_text_or_number_however_many(engine):
    from db.bulk import one_of
    from db.models import Notice

    numbers = [f"A{index:04d}AA" for index in range(6000)]
    with transaction(engine) as session:
        insert_rows(session, Prisoner.__table__, [_prisoner(number) for number in numbers])
        insert_rows(session, Prisoner.__table__, [_prisoner("B0001AA", first_name='O\'Brien "é"')])
    wanted = [*numbers[::3], "Z9999ZZ", "B0001AA"]  # one that is not there
    with transaction(engine) as session:

        def found(values):
            return set(
                session.scalars(select(Prisoner.prison_number).where(one_of(session, Prisoner.prison_number, values)))
            )

        assert found(wanted) == set(numbers[::3]) | {"B0001AA"}
        assert found([]) == set()
        assert found(("A0001AA", "A0002AA")) == {"A0001AA", "A0002AA"}
        assert session.scalars(select(Notice.id).where(one_of(session, Notice.id, [1, 2]))).all() == []


def _case(number: str, **values) -> dict:
    return {"prison_number": number, "tracked_since": date(2027, 1, 4), "state": "tracking", **values}


def test_updated_rows_are_what_the_orm_update_leaves_even_when_rows_name_different_columns(engine):
    """db.bulk.update_rows against SQLAlchemy's own bulk UPDATE by key: the same stored text (SQLite
    compares dates as text), JSON, None, and rows naming different columns in one call."""
    numbers = ("A0000AA", "A0000AB", "B0000AA", "B0000AB", "C0000AA")
    with transaction(engine) as session:
        insert_rows(session, Case.__table__, [_case(n, missing=["x"], decided_on=date(2027, 1, 4)) for n in numbers])
    changes = [
        {"state": "requested", "missing": ["level", "category"], "problems": [{"code": "c", "detail": "é"}]},
        {"state": "late", "next_step_date": date(2027, 2, 1), "decided_on": None, "closed_on": None},
    ]
    inserted_at = {row["prison_number"]: row.pop("updated_at") for row in _rows(engine, Case)}
    with transaction(engine) as session:
        session.execute(
            update(Case), [{"prison_number": "A0000AA", **changes[0]}, {"prison_number": "A0000AB", **changes[1]}]
        )
        update_rows(
            session,
            Case.__table__,
            "prison_number",
            [
                {"prison_number": "B0000AA", **changes[0]},
                {"prison_number": "B0000AB", **changes[1]},
            ],
        )
    with engine.connect() as connection:
        text = connection.exec_driver_sql(
            "SELECT prison_number, CAST(next_step_date AS TEXT), CAST(missing AS TEXT), CAST(decided_on AS TEXT)"
            " FROM cases ORDER BY prison_number"
        ).all()
    rows = {row["prison_number"]: row for row in _rows(engine, Case)}
    updated_at = {number: row.pop("updated_at") for number, row in rows.items()}  # set at different instants
    assert all(updated_at[n] > inserted_at[n] for n in ("A0000AA", "A0000AB", "B0000AA", "B0000AB"))
    assert updated_at["C0000AA"] == inserted_at["C0000AA"]
    for orm, ours in (("A0000AA", "B0000AA"), ("A0000AB", "B0000AB")):
        assert {**rows[orm], "prison_number": None} == {**rows[ours], "prison_number": None}
    stored = {row[0]: row[1:] for row in text}
    assert stored["A0000AA"] == stored["B0000AA"] and stored["A0000AB"] == stored["B0000AB"]
    assert rows["B0000AB"]["next_step_date"] == date(2027, 2, 1) and rows["B0000AB"]["decided_on"] is None
    assert rows["B0000AA"]["problems"] == [{"code": "c", "detail": "é"}]
    assert rows["C0000AA"] == {**rows["C0000AA"], "state": "tracking", "missing": ["x"]}  # not named: untouched
    assert rows["C0000AA"]["decided_on"] == date(2027, 1, 4)


SQLITE = sqlite_dialect.dialect()
SQLITE_DATES = Date().dialect_impl(SQLITE).bind_processor(SQLITE)


@given(day=st.dates() | st.datetimes())
def test_a_date_is_written_to_sqlite_as_sqlalchemy_writes_it(day):
    assert _dates_as_iso(SQLITE_DATES)(day) == SQLITE_DATES(day)
