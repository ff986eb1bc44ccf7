"""Small builders that put a case straight into the database (feeds have their own tests)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from db.models import Allocation, Establishment, MappaInformation, Pdu, Prisoner
from db.session import transaction

DOMAIN = "justice.gov.uk"


def prison(engine: Engine, code: str = "DMI", name: str = "HMP Durham") -> None:
    with transaction(engine) as session:
        session.merge(
            Establishment(
                code=code,
                name=name,
                omu_mailbox=f"omu.{code.lower()}@{DOMAIN}",
                head_of_omu_email=f"head.omu.{code.lower()}@{DOMAIN}",
            )
        )


def pdu(engine: Engine, code: str = "N07DUR") -> None:
    with transaction(engine) as session:
        session.merge(
            Pdu(
                code=code,
                name="County Durham",
                mailbox=f"pdu.{code.lower()}@{DOMAIN}",
                head_email=f"head.pdu.{code.lower()}@{DOMAIN}",
                mappa_coordinator_email=f"mappa.{code.lower()}@{DOMAIN}",
            )
        )


def prisoner(
    engine: Engine,
    number: str,
    *,
    crd: date | None = None,
    category: int | None = 2,
    establishment: str = "DMI",
    first_name: str = "Jonah",
    last_name: str = "Quarrie",
    com: str | None = "com.one",
    spo: str | None = "spo.one",
    pdu_code: str | None = "N07DUR",
    **dates,
) -> None:
    with transaction(engine) as session:
        session.merge(
            Prisoner(
                prison_number=number,
                first_name=first_name,
                last_name=last_name,
                establishment_code=establishment,
                sentence_type=dates.pop("sentence_type", "determinate"),
                crd=crd,
                mappa_category=category,
                **dates,
            )
        )
        session.merge(
            Allocation(
                prison_number=number,
                com_name=com and "Casey Officer",
                com_email=com and f"{com}@{DOMAIN}",
                spo_name=spo and "Sam Senior",
                spo_email=spo and f"{spo}@{DOMAIN}",
                pdu_code=pdu_code,
            )
        )


def information(
    engine: Engine,
    number: str,
    *,
    category=None,
    level=None,
    meeting_date=None,
    not_eligible=False,
    on: date | None = None,
) -> None:
    with transaction(engine) as session:
        session.merge(
            MappaInformation(
                prison_number=number,
                category=category,
                level=level,
                meeting_date=meeting_date,
                not_eligible=not_eligible,
                confirmed_on=on,
                source="record",
                recorded_by="test",
            )
        )


def durham(engine: Engine) -> None:
    prison(engine)
    pdu(engine)
