"""Plain-English pieces the templates print: dates, release notes, what is missing."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from rules.steps import Step

MISSING = {
    "category": "MAPPA category (1 to 4), or confirmation that the person is not MAPPA-eligible",
    "level": "MAPPA level (1, 2 or 3; 0 if not MAPPA-eligible)",
    "mapp_meeting_date": "date of the first MAPP meeting (needed for level 2 or 3)",
}
WEEKEND = {5: "a Saturday", 6: "a Sunday"}
# Spelled out rather than strftime("%A"), which follows the process locale.
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Unicode line and paragraph separators and every control character: none belongs in a name.
UNPRINTABLE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def uk_date(day: date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else "not known"


def long_date(day: date | None) -> str:
    return f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}" if day else "not known"


def one_line(text: str | None) -> str:
    """Text with every control or line-breaking character made a space, so it can never start a line."""
    if not text:
        return ""
    cleaned = "".join(" " if unicodedata.category(ch) in UNPRINTABLE else ch for ch in text)
    return re.sub(r"\s+", " ", cleaned).strip()


def person_name(first_name: str | None, last_name: str | None) -> str:
    name = " ".join(part for part in (one_line(first_name), one_line(last_name).upper()) if part)
    return name or "name not recorded"


def establishment(code: str, name: str | None) -> str:
    code, name = one_line(code), one_line(name)
    return f"{name} ({code})" if name else code


def source_label(source: str | None) -> str:
    return one_line(source).upper() or "release date"


def why_moved(key_date: date) -> str:
    if key_date.weekday() in WEEKEND:
        return f"it falls on {WEEKEND[key_date.weekday()]}"
    if key_date.weekday() == 4:
        return "it is a Friday"
    return "of a bank holiday"


def release_note(key_date: date | None, source: str | None, planning_date: date | None) -> str:
    """Where the planning date came from, e.g. "CRD 15/10/2027, brought forward because it is a Friday"."""
    if key_date is None:
        return "no release date recorded"
    note = f"{source_label(source)} {uk_date(key_date)}"
    if planning_date and planning_date < key_date:
        note += f", brought forward because {why_moved(key_date)}"
    return note


def missing_labels(missing: tuple[str, ...]) -> list[str]:
    return [MISSING.get(code, one_line(code).replace("_", " ")) for code in missing]


def next_text(step: str, next_label: str | None, next_date: date | None) -> str:
    if step == Step.RESOLVED:
        return "Nothing: the chase for this case has stopped"
    if step == Step.RELEASED_UNCONFIRMED:
        return "The case is closed as released without MAPPA confirmation"
    if next_label is None:
        return "No further e-mail is planned"
    when = f" on {long_date(next_date)}" if next_date else ""
    return f"{next_label[:1].upper()}{next_label[1:]}{when}, unless the information arrives first"
