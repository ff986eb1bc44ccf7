"""Transports that never leave the machine: a folder of .eml files, a console, a list for tests."""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import TextIO

from notifications.failures import DeliveryError
from notifications.wire import wire_bytes

NIGHT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "unknown"


def file_name(message: EmailMessage) -> str:
    """<night>_<recipient slug>_<hash of Message-ID>.eml: sortable, and the same message overwrites itself.

    The night is the one the notice was queued for (X-MAPPA-Night), not the sending date: a simulated
    night, or a retry the next morning, still files under its night.
    """
    night = NIGHT.fullmatch(str(message["X-MAPPA-Night"] or ""))
    if night:
        night = night.group(0)
    else:
        try:
            night = parsedate_to_datetime(message["Date"]).date().isoformat()
        except (TypeError, ValueError):
            night = "undated"
    recipients = [addr for _, addr in getaddresses(message.get_all("To", []))]
    digest = hashlib.sha256(str(message["Message-ID"] or message.as_bytes()).encode()).hexdigest()[:16]
    return f"{night}_{slug(recipients[0] if recipients else 'no-recipient')}_{digest}.eml"


class FileTransport:
    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def __enter__(self) -> FileTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def send(self, message: EmailMessage) -> Path:
        """Write one RFC 5322 file; a reader never sees half a message (temp file, then os.replace)."""
        target = self.folder / file_name(message)
        try:
            handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        except FileNotFoundError:  # made on first need, not checked for every e-mail of a national night
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            # No fsync: the rename is what keeps a reader from half a message; surviving a power cut is
            # not this development transport's job, and an fsync per e-mail was a third of its cost.
            with os.fdopen(handle, "wb") as out:
                out.write(wire_bytes(message))
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target


class ConsoleTransport:
    """For development: prints whole messages, names included, so never point it at a shared log."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream

    def __enter__(self) -> ConsoleTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def send(self, message: EmailMessage) -> None:
        stream = self.stream or sys.stdout  # looked up late so pytest's capture and redirects work
        text = wire_bytes(message).decode("ascii", "replace").replace("\r\n", "\n")
        stream.write(f"{text}\n{'-' * 72}\n")
        stream.flush()


class MemoryTransport:
    """Keeps what was sent in ``sent``; ``fail_next`` makes the next sends raise instead."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.opened = 0
        self._failures: list[DeliveryError | Exception] = []

    def __enter__(self) -> MemoryTransport:
        self.opened += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def fail_next(self, exc: DeliveryError | Exception, times: int = 1) -> None:
        self._failures.extend([exc] * times)

    def send(self, message: EmailMessage) -> None:
        if self._failures:
            raise self._failures.pop(0)
        self.sent.append(message)
