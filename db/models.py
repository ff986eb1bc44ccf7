"""Typed models. Feeds are keyed by their natural keys; nothing is ever deleted.

Cross-feed references (a prisoner's establishment, an allocation's PDU) are plain
columns, not foreign keys: the feeds arrive in any order, and a reference to
something not imported yet is a data problem the chase reports, not a crash.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


class Stamped:
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Establishment(Stamped, Base):
    __tablename__ = "establishments"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    omu_mailbox: Mapped[str | None] = mapped_column(String(254))
    head_of_omu_email: Mapped[str | None] = mapped_column(String(254))


class Pdu(Stamped, Base):
    __tablename__ = "pdus"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    mailbox: Mapped[str | None] = mapped_column(String(254))
    head_email: Mapped[str | None] = mapped_column(String(254))
    mappa_coordinator_email: Mapped[str | None] = mapped_column(String(254))


class Prisoner(Stamped, Base):
    """A person in custody and their release dates, from the prison system."""

    __tablename__ = "prisoners"
    prison_number: Mapped[str] = mapped_column(String(7), primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    establishment_code: Mapped[str | None] = mapped_column(String(3), index=True)
    sentence_type: Mapped[str | None] = mapped_column(String(20))
    crd: Mapped[date | None] = mapped_column(Date)
    ard: Mapped[date | None] = mapped_column(Date)
    ped: Mapped[date | None] = mapped_column(Date)
    hdced: Mapped[date | None] = mapped_column(Date)
    hdcad: Mapped[date | None] = mapped_column(Date)
    prrd: Mapped[date | None] = mapped_column(Date)
    ted: Mapped[date | None] = mapped_column(Date)
    thd: Mapped[date | None] = mapped_column(Date)
    mappa_category: Mapped[int | None] = mapped_column(Integer)  # the prison's own identification, not confirmation
    crn: Mapped[str | None] = mapped_column(String(7))
    released_on: Mapped[date | None] = mapped_column(Date)
    # From the HMPPS sync only: NOMIS's legal status (REMAND, SENTENCED, ...) and an alert's MAPPA level.
    legal_status: Mapped[str | None] = mapped_column(String(40))
    prison_mappa_level: Mapped[int | None] = mapped_column(Integer)


class Allocation(Stamped, Base):
    """Who in probation holds the case, from the probation feed."""

    __tablename__ = "allocations"
    prison_number: Mapped[str] = mapped_column(String(7), primary_key=True)
    crn: Mapped[str | None] = mapped_column(String(7))
    com_name: Mapped[str | None] = mapped_column(String(200))
    com_email: Mapped[str | None] = mapped_column(String(254))
    spo_name: Mapped[str | None] = mapped_column(String(200))
    spo_email: Mapped[str | None] = mapped_column(String(254))
    pdu_code: Mapped[str | None] = mapped_column(String(20), index=True)
    team_code: Mapped[str | None] = mapped_column(String(20))  # from the HMPPS sync: the COM's team


class MappaInformation(Stamped, Base):
    """What the COM has confirmed so far (allocations feed or `mappa record`)."""

    __tablename__ = "mappa_information"
    prison_number: Mapped[str] = mapped_column(String(7), primary_key=True)
    category: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[int | None] = mapped_column(Integer)
    meeting_date: Mapped[date | None] = mapped_column(Date)
    not_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))  # "allocations" or "record"
    recorded_by: Mapped[str | None] = mapped_column(String(200))


class Case(Stamped, Base):
    """The chase state of one tracked case, as the last nightly check left it."""

    __tablename__ = "cases"
    __table_args__ = (
        # the caseload's order (soonest planning date first, none last), so a deep page reads the index
        # in order instead of sorting every open case on each request; open cases only, and with the
        # state, so the caseload's filter and count read the index alone
        Index(
            "ix_cases_open_order",
            text("(planning_date IS NULL)"),
            "planning_date",
            "prison_number",
            "state",
            sqlite_where=text("closed_state IS NULL"),
            postgresql_where=text("closed_state IS NULL"),
        ),
    )
    prison_number: Mapped[str] = mapped_column(String(7), primary_key=True)
    establishment_code: Mapped[str | None] = mapped_column(String(3), index=True)
    tracked_since: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(30), index=True)
    key_date: Mapped[date | None] = mapped_column(Date)
    key_source: Mapped[str | None] = mapped_column(String(10))
    planning_date: Mapped[date | None] = mapped_column(Date)
    request_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    final_warning_date: Mapped[date | None] = mapped_column(Date)
    last_step: Mapped[str | None] = mapped_column(String(30))
    next_step: Mapped[str | None] = mapped_column(String(30))
    next_step_date: Mapped[date | None] = mapped_column(Date)
    missing: Mapped[list[str]] = mapped_column(default=list)
    problems: Mapped[list[str]] = mapped_column(default=list)
    closed_state: Mapped[str | None] = mapped_column(String(30))
    closed_on: Mapped[date | None] = mapped_column(Date)
    last_night: Mapped[date | None] = mapped_column(Date)
    # What the last decision read (a digest of the case's inputs and the night's context), the night it
    # was made, and the first night it may no longer stand (rules.stands): a steady night skips the rest.
    decided_inputs: Mapped[str | None] = mapped_column(String(40))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decide_again_on: Mapped[date | None] = mapped_column(Date)


class Notice(Base):
    """The outbox: one row per step per case, written with the decision that causes it.

    `key` is unique, so the same step for the same case can never be queued twice,
    whoever runs the night and however often.
    """

    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    # "case": a step about one case (prison_number set); any other kind is an e-mail about many cases or
    # none (a data-problems digest, a weekly report), with prison_number empty.
    kind: Mapped[str] = mapped_column(String(30), default="case", server_default="case")
    prison_number: Mapped[str | None] = mapped_column(String(7), index=True)
    establishment_code: Mapped[str | None] = mapped_column(String(3))
    step: Mapped[str] = mapped_column(String(30))
    night: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    to: Mapped[list[str]] = mapped_column(default=list)
    cc: Mapped[list[str]] = mapped_column(default=list)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(250))
    run: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """One notice to one address: the unit the mailer sends, retries and records."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("notice_id", "address"), Index("ix_deliveries_status", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    address: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(2))  # "to" or "cc"
    status: Mapped[str] = mapped_column(String(20))  # pending, sending, sent, failed, bounced, blocked, cancelled, ..
    claimed_by: Mapped[str | None] = mapped_column(String(80))  # the run sending it now: a second run leaves it alone
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(250))
    # GOV.UK Notify: the reference written before sending (looked up after a crash), Notify's id and status.
    notify_reference: Mapped[str | None] = mapped_column(String(60), index=True)
    notify_id: Mapped[str | None] = mapped_column(String(36))
    notify_status: Mapped[str | None] = mapped_column(String(30))
    notify_checked_at: Mapped[datetime | None]
    resent: Mapped[int] = mapped_column(default=0)  # sent again after a temporary or technical failure
    rerouted: Mapped[bool] = mapped_column(Boolean, default=False)  # a bounce already re-addressed


class AuditEvent(Base):
    """Append-only, hash-chained trail. The database refuses UPDATE and DELETE."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    prison_number: Mapped[str | None] = mapped_column(String(7), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's tip, one row. Appenders lock it, which serialises writers of the chain."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class CheckedNight(Base):
    """A night the chase finished, with a fingerprint of everything its decisions read.

    Re-running a night whose inputs have not changed since cannot decide anything
    new, so it skips straight to delivery: a rerun costs almost nothing.
    """

    __tablename__ = "checked_nights"
    night: Mapped[date] = mapped_column(Date, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    cases: Mapped[int] = mapped_column(default=0)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportedFile(Base):
    """A feed file the drop-folder import has processed, by content hash."""

    __tablename__ = "imported_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(255))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(String(20))


class SourceSync(Base):
    """When an establishment's data last came whole from an HMPPS API sync.

    Only establishments fed by the sync have a row: a CSV-fed prison may import weekly, and
    its data never goes stale. The nightly check flags the cases of an establishment whose
    last successful sync is older than the policy's `stale_after_nights`.
    """

    __tablename__ = "source_syncs"
    establishment_code: Mapped[str] = mapped_column(String(3), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # e.g. "prisoner-search"
    last_success_at: Mapped[datetime | None]
    last_success_night: Mapped[date | None] = mapped_column(Date)
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class RejectedRow(Base):
    """A feed row an import rejected for a prisoner the prison identified as MAPPA: a data problem.

    Open until a later import of the same feed accepts a row for that prisoner.
    """

    __tablename__ = "rejected_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    file: Mapped[str] = mapped_column(String(255))
    line: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    prison_number: Mapped[str] = mapped_column(String(7), index=True)
    establishment_code: Mapped[str | None] = mapped_column(String(3))
    rejected_at: Mapped[datetime] = mapped_column(default=utcnow)
    fixed_at: Mapped[datetime | None]


class Team(Stamped, Base):
    """A probation team (the teams feed): its PDU and SPO, which no HMPPS API gives."""

    __tablename__ = "teams"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    pdu_code: Mapped[str | None] = mapped_column(String(20))
    spo_name: Mapped[str | None] = mapped_column(String(200))
    spo_email: Mapped[str | None] = mapped_column(String(254))


class ProbationCheck(Base):
    """When the sync last asked probation about a prisoner, and what it learnt that is not data.

    For a prisoner who is not MAPPA this row is all we keep: the prison number and when
    they were asked, no name, no date of birth.
    """

    __tablename__ = "probation_checks"
    prison_number: Mapped[str] = mapped_column(String(7), primary_key=True)
    establishment_code: Mapped[str | None] = mapped_column(String(3))  # where they were when asked
    asked_on: Mapped[date] = mapped_column(Date)  # the night (--as-of) of the last answer
    outcome: Mapped[str] = mapped_column(String(20))  # "found" or "not-found" (404 case record)
    registration_problem: Mapped[str | None] = mapped_column(Text)  # a MAPPA registration that contradicts itself


class WebAccess(Base):
    """Who looked at whom on the web pages, and each download: append-only, apart from the audit chain.

    The nightly run holds the audit chain's head for minutes; a page view must never wait for it.
    """

    __tablename__ = "web_access_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    prison_number: Mapped[str | None] = mapped_column(String(7), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
