"""Cell parsers shared by the feeds and the command line.

Each parser takes a stripped, non-blank cell and returns its value or raises
ValueError with a reason an OMU administrator can act on. A reason may echo a
date, code or number (short, quoted) but never a name or an e-mail address:
reasons end up in printed reports and CSV files passed around by e-mail.
"""

from __future__ import annotations

import re
from datetime import date

from notifications.addresses import syntax_problem
from rules.release import SENTENCE_TYPES

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
PRISON_NUMBER = re.compile(r"[A-Z][0-9]{4}[A-Z]{2}")
CRN = re.compile(r"[A-Z][0-9]{6}")
ESTABLISHMENT_CODE = re.compile(r"[A-Z]{3}")
PDU_CODE = re.compile(r"[A-Z0-9_-]{2,20}")
# C0/C1 controls, DEL, and the bidirectional overrides that make text display
# differently from what it says.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORMULA_STARTS = ("=", "+", "-", "@")


def shown(text: str) -> str:
    """A cell quoted for a reason; cut short so a shifted column cannot leak much."""
    return repr(text if len(text) <= 20 else text[:20] + "...")


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD or DD/MM/YYYY (day first, as in the UK; D/M/YYYY too)."""
    text = text.strip()
    if match := ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := UK_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(f"not a date: {shown(text)} (write DD/MM/YYYY or YYYY-MM-DD)")
    if not 1 <= month <= 12:
        raise ValueError(f"not a date: {shown(text)} has no month {month} (dates are day first: DD/MM/YYYY)")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"not a real date: {shown(text)}") from None


def identifier(pattern: re.Pattern[str], what: str, example: str):
    def parse(text: str) -> str:
        value = "".join(text.split()).upper()
        if not pattern.fullmatch(value):
            raise ValueError(f"not {what}: {shown(text)} (expected like {example})")
        return value

    return parse


parse_prison_number = identifier(PRISON_NUMBER, "a prison number", "A1234BC")
parse_crn = identifier(CRN, "a CRN", "X362207")
parse_establishment_code = identifier(ESTABLISHMENT_CODE, "an establishment code", "DMI")
parse_pdu_code = identifier(PDU_CODE, "a PDU code (2-20 letters, digits, _ or -)", "N07_LDN")
parse_team_code = identifier(PDU_CODE, "a team code (2-20 letters, digits, _ or -)", "N07T01")


def parse_email(text: str) -> str:
    """One plain address, lower-cased so a change of case is not a change of COM."""
    value = text.strip().lower()
    if syntax_problem(value):
        raise ValueError("not one plain e-mail address (expected like name@justice.gov.uk)")
    return value


def parse_name(text: str) -> str:
    """Free text that ends up in e-mails and spreadsheets; never echoed back in a reason."""
    if CONTROL.search(text):
        raise ValueError("contains control characters")
    if text.startswith(FORMULA_STARTS):
        raise ValueError("looks like a spreadsheet formula")
    return text


def whole_number(low: int, high: int):
    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,2}", text) or not low <= int(text) <= high:
            raise ValueError(f"not a number from {low} to {high}: {shown(text)}")
        return int(text)

    return parse


parse_category = whole_number(1, 4)
parse_level = whole_number(0, 3)


def parse_sentence_type(text: str) -> str:
    value = text.strip().lower()
    if value not in SENTENCE_TYPES:
        raise ValueError(f"not a sentence type: {shown(text)} (expected {', '.join(SENTENCE_TYPES)})")
    return value
