"""What an import did, for the screen, a CSV report and the exit status."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

SHOWN = 50  # rejections printed; the CSV report has all of them


@dataclass(frozen=True)
class Rejection:
    line: int
    column: str | None  # None when the problem is the row as a whole
    reason: str


@dataclass
class ImportReport:
    kind: str
    file: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    refused: str | None = None
    skipped: int = 0  # rows for prisoners of an establishment fed by the HMPPS sync

    @property
    def accepted(self) -> int:
        return self.inserted + self.updated + self.unchanged

    @property
    def exit_code(self) -> int:
        """0 every row accepted, 1 some rows rejected, 2 the file refused whole."""
        if self.refused is not None:
            return 2
        return 1 if self.rejected else 0

    def summary(self) -> str:
        if self.refused is not None:
            return f"{self.file}: refused, nothing imported: {self.refused}"
        return (
            f"{self.file}: {self.rows} rows: {self.accepted} accepted ({self.inserted} new, "
            f"{self.updated} updated, {self.unchanged} unchanged), {len(self.rejected)} rejected"
            + (f", {self.skipped} skipped (fed by the HMPPS sync; MAPP meeting dates kept)" if self.skipped else "")
        )

    def rejection_lines(self, limit: int = SHOWN) -> list[str]:
        lines = [self.line(rejection) for rejection in self.rejected[:limit]]
        if len(self.rejected) > limit:
            lines.append(f"... and {len(self.rejected) - limit} more")
        return lines

    def line(self, rejection: Rejection) -> str:
        where = f"column {rejection.column}: " if rejection.column else ""
        return f"{self.file}:{rejection.line}: {where}{rejection.reason}"

    def write_csv(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as stream:
            self._write(stream)

    def _write(self, stream: TextIO) -> None:
        writer = csv.writer(stream)
        writer.writerow(["file", "line", "column", "reason"])
        if self.refused is not None:
            writer.writerow([_cell(self.file), "", "", _cell(self.refused)])
        for rejection in self.rejected:
            writer.writerow([_cell(self.file), rejection.line, rejection.column or "", _cell(rejection.reason)])


def _cell(text: str) -> str:
    """Spreadsheets run a cell starting like a formula; the report is opened in one."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
