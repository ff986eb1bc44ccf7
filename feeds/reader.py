"""Reading a feed file as a stream of CSV records, in bounded memory.

Line numbers are physical lines in the file (the header is line 1), so a record
with a quoted line break is reported at the line it starts on. A line longer than
MAX_LINE is never held in memory: it is skipped and reported as too long.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import TextIO

from feeds.values import CONTROL

MAX_LINE = 200_000


class FileRefused(Exception):
    """The file as a whole cannot be imported; nothing from it is written."""


class LineTooLong(Exception):
    pass


class Lines:
    """Physical lines of a text stream, counted, each at most MAX_LINE characters."""

    def __init__(self, stream: TextIO):
        self.stream, self.number = stream, 0

    def __iter__(self) -> Lines:
        return self

    def __next__(self) -> str:
        line = self._read()
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) == MAX_LINE and not line.endswith(("\n", "\r")):
            while (rest := self._read()) and not rest.endswith(("\n", "\r")):
                pass
            raise LineTooLong
        return line

    def _read(self) -> str:
        try:
            return self.stream.readline(MAX_LINE)
        except UnicodeDecodeError:
            raise FileRefused(
                f"it is not UTF-8 text (near line {self.number + 1}): save it from the spreadsheet as 'CSV UTF-8'"
            ) from None


def header_name(cell: str) -> str:
    """'Date of Birth', 'date-of-birth' and 'DATE_OF_BIRTH' all name date_of_birth."""
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def records(stream: TextIO) -> Iterator[tuple[int, list[str] | str]]:
    """(line, cells) for each non-blank record; (line, reason) for one that cannot be read.

    The first record is the header. Refuses a file that is empty or whose first
    line is not text.
    """
    lines = Lines(stream)
    reader = csv.reader(lines, strict=True)
    first = True
    while True:
        start = lines.number + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except LineTooLong:
            cells = f"the line is longer than {MAX_LINE:,} characters"
        except csv.Error as error:
            too_long = "field larger" in str(error)
            cells = "a value is too long" if too_long else f"not valid CSV ({error})"
        if first:
            _check_header(cells)
            first = False
        if cells != []:
            yield start, cells
    if first:
        raise FileRefused("the file is empty")


def _check_header(cells: list[str] | str) -> None:
    if isinstance(cells, str) or not any(cell.strip() for cell in cells):
        raise FileRefused("the first line must be the header row naming the columns")
    if any(CONTROL.search(cell) for cell in cells):
        raise FileRefused("the first line has control characters: this is not a CSV file")
