"""From the cells of one record to a row of parsed values, or the reason it is rejected."""

from __future__ import annotations

from typing import Any

from feeds.kinds import Column, Feed
from feeds.reader import FileRefused, header_name
from feeds.report import Rejection
from feeds.values import CONTROL

MEMO_LIMIT = 20_000  # distinct cells remembered per column
_UNSEEN = object()


class RowParser:
    """Knows where each column is (from the header) and which keys earlier rows had."""

    def __init__(self, feed: Feed, header: list[str]):
        self.feed, self.width = feed, len(header)
        positions = _positions(feed, header)
        (self.key, self.key_index), *others = [(column, positions.get(column.name)) for column in feed.columns]
        # Each other column with its memo: the value by the cell's text. A national file repeats the
        # same dates, codes and mailboxes tens of thousands of times, and every parser is pure, so
        # each distinct cell is parsed once. Only good cells are remembered.
        self.others: list[tuple[str, int | None, Column, dict[str, Any]]] = [
            (column.name, index, column, {}) for column, index in others
        ]
        self.seen: dict[Any, int] = {}

    def parse(self, line: int, cells: list[str] | str) -> dict[str, Any] | Rejection:
        if isinstance(cells, str):
            return Rejection(line, None, cells)
        if len(cells) != self.width:
            return Rejection(line, None, f"the row has {len(cells)} values but the header has {self.width} columns")
        suspect = CONTROL.search("".join(cells)) is not None  # one scan of the row finds the rare bad one
        key = self.key
        try:
            row = {key.name: _value(key, cells[self.key_index], suspect, needed=True)}  # type: ignore[index]
        except ValueError as error:
            return Rejection(line, key.name, str(error))
        # The key counts as seen even if the row is rejected later: which of two rows
        # for one person is right is for the sender to say, not for us to guess.
        if (first := self.seen.setdefault(row[key.name], line)) != line:
            return Rejection(line, key.name, f"duplicate of line {first}")
        for name, index, column, known in self.others:
            cell = "" if index is None else cells[index]
            if not cell:  # most cells are blank
                row[name] = None
                continue
            if not suspect:
                value = known.get(cell, _UNSEEN)
                if value is not _UNSEEN:
                    row[name] = value
                    continue
            try:
                row[name] = value = _value(column, cell, suspect)
            except ValueError as error:
                return Rejection(line, name, str(error))
            if len(known) < MEMO_LIMIT:  # a column of unique values (CRNs) stops growing its memo here
                known[cell] = value
        if problem := self.feed.check(row):
            return Rejection(line, *problem)
        return row


def _value(column: Column, cell: str, suspect: bool, needed: bool = False) -> Any:
    if suspect and CONTROL.search(cell):
        raise ValueError("contains control characters")
    text = cell.strip()
    if not text:
        if needed:
            raise ValueError("is blank: every row needs one")
        return None
    if len(text) > column.limit:
        raise ValueError(f"longer than {column.limit:,} characters")
    return column.parse(text)


def _positions(feed: Feed, header: list[str]) -> dict[str, int]:
    """Where each known column is; extra columns are ignored. Refuses a header missing what we need."""
    known = {column.name for column in feed.columns}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = header_name(cell)
        if name in known:
            if name in positions:
                raise FileRefused(f"the header names column {name} twice")
            positions[name] = index
    missing = [column.name for column in feed.columns if column.required and column.name not in positions]
    if missing:
        raise FileRefused(
            f"the header row lacks the required column(s) {', '.join(missing)}: is this the {feed.kind} feed?"
        )
    if feed.distinct and not set(feed.distinct) & positions.keys():
        raise FileRefused(
            f"the header row has none of the columns {', '.join(feed.distinct)}: is this the {feed.kind} feed?"
        )
    return positions
