"""`mappa import` and `mappa record`: getting information in, for OMU administrators."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from cli.common import console_error, database, exit_with, parse_date_option
from config import runtime
from db.session import transaction
from feeds.importer import import_feed
from feeds.kinds import FEED_ORDER
from feeds.record import Receipt, ReceiptError, record_receipt

Kind = StrEnum("Kind", {kind: kind for kind in FEED_ORDER})  # the feeds, in import order


def import_(
    kind: Kind = typer.Argument(..., metavar="KIND", help=f"Which feed the file is: {', '.join(FEED_ORDER)}."),
    file: Path = typer.Argument(..., metavar="FILE", help="The CSV file to import."),
    report: Path | None = typer.Option(
        None, "--report", metavar="FILE", help="Also write every rejected row to this CSV file."
    ),
) -> None:
    """Import one CSV feed file.

    \b
    KIND is one of (columns in the header row):
      establishments  code, name, omu_mailbox, head_of_omu_email
      pdus            code, name, mailbox, head_email, mappa_coordinator_email
      releases        prison_number, first_name, last_name, date_of_birth,
                      establishment_code, sentence_type (determinate,
                      indeterminate or recall), crd, ard, ped, hdced, hdcad,
                      prrd, ted, thd, mappa_category (1-4), crn, released_on
      allocations     prison_number, crn, com_name, com_email, spo_name,
                      spo_email, pdu_code, mappa_category (1-4), mappa_level
                      (0-3; 0 = not MAPPA-eligible), mapp_meeting_date,
                      confirmed_on
      teams           code, name, pdu_code, spo_name, spo_email (probation
                      teams, for establishments fed by `mappa sync`)

    Save the file from the spreadsheet as "CSV UTF-8". Columns may be in any
    order and other columns are ignored. A releases file needs every column
    above. The others need their first column and at least one column that
    says which feed it is: an e-mail column (establishments, pdus), or a COM,
    SPO, PDU, level or meeting date column (allocations).

    Dates are day first, DD/MM/YYYY, or YYYY-MM-DD. A blank cell means "not
    known" and never erases what the tracker already holds. Rows are matched
    on code or prison number, so importing the same file again changes
    nothing. The MAPPA columns of an allocations file are the COM's
    confirmation; the mappa_category of a releases file is the prison's own.

    A bad row is skipped and listed with its line number; the rest is
    imported.

    \b
    Exit status:
      0  every row imported
      1  some rows rejected (listed above; the others were imported)
      2  the file was refused whole (unreadable, not UTF-8 CSV, empty, or
         missing a required column) and nothing was imported
    """
    result = import_feed(database(), kind.value, file)
    if report is not None:
        result.write_csv(report)
    if result.refused is not None:
        console_error(result.summary())
        exit_with(2)
    typer.echo(result.summary())
    for line in result.rejection_lines():
        typer.echo(line)
    exit_with(result.exit_code)


def record(
    prison_number: str = typer.Argument(..., metavar="PRISON_NUMBER", help="The prison number, e.g. A1234BC."),
    by: str = typer.Option(..., "--by", metavar="NAME", help="Your name, for the audit trail."),
    category: int | None = typer.Option(None, "--category", min=1, max=4, metavar="N", help="MAPPA category, 1 to 4."),
    level: int | None = typer.Option(
        None, "--level", min=0, max=3, metavar="N", help="MAPPA level, 1 to 3 (0 = not MAPPA-eligible)."
    ),
    meeting_date: str | None = typer.Option(
        None, "--meeting-date", metavar="DATE", help="Date of the first MAPP meeting."
    ),
    not_eligible: bool = typer.Option(
        False, "--not-eligible", help="The COM confirmed the person is not MAPPA-eligible."
    ),
    on: str | None = typer.Option(
        None, "--on", metavar="DATE", help="When the COM confirmed it (default: today; not in the future)."
    ),
) -> None:
    """Record MAPPA information a COM sent by e-mail.

    Give what the COM confirmed: any of --category, --level and --meeting-date,
    or --not-eligible. What you leave out is kept as it was. Dates are
    DD/MM/YYYY or YYYY-MM-DD. It then says what is still missing before the
    chase can close.

    Example: mappa record A1234BC --by "J Smith" --category 2 --level 2
    """
    today = runtime.london_today()
    receipt = Receipt(
        prison_number,
        by,
        parse_date_option(on, "--on") or today,
        category,
        level,
        parse_date_option(meeting_date, "--meeting-date"),
        not_eligible,
    )
    try:
        with transaction(database()) as session:
            missing = record_receipt(session, receipt, today)
    except ReceiptError as error:
        console_error(str(error))
        exit_with(2)
    typer.echo(f"recorded for {prison_number.strip().upper()}")
    if missing:
        typer.echo(f"still missing: {', '.join(missing)}")
    else:
        typer.echo("MAPPA information is complete: the chase closes at the next nightly check")


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("record")(record)
