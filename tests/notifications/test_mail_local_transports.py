import io
import os
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

import pytest

from config.settings import load_settings
from notifications.preview import preview
from notifications.transports import (
    ConsoleTransport,
    FileTransport,
    MemoryTransport,
    PermanentDeliveryError,
    SmtpTransport,
    TransientDeliveryError,
    make_transport,
    send_with_retry,
)


def test_the_file_transport_writes_one_parseable_eml_per_message(tmp_path):
    folder = tmp_path / "mail" / "out"
    first, second = preview("request"), preview("final-warning")
    with FileTransport(folder) as transport:
        paths = [transport.send(first), transport.send(second)]
    assert sorted(folder.iterdir()) == sorted(paths)
    assert parsedate_to_datetime(first["Date"]).date().isoformat() != "2027-04-20"  # sent today...
    assert all(p.suffix == ".eml" and p.name.startswith("2027-04-20_") for p in paths)  # ...filed by its night
    parsed = BytesParser(policy=policy.default).parsebytes(paths[1].read_bytes())
    assert parsed["Message-ID"] == second["Message-ID"]
    assert parsed["Subject"] == second["Subject"] and parsed["X-MAPPA-Notices"] == second["X-MAPPA-Notices"]
    assert b"\r\n" in paths[1].read_bytes() and "jo-bloggs-justice-gov-uk" in paths[0].name


def test_the_file_transport_replaces_atomically_and_leaves_no_temp_files(tmp_path, monkeypatch):
    message = preview("reminder")
    transport = FileTransport(tmp_path)
    path = transport.send(message)
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: replaced.append((src, dst)) or real_replace(src, dst))
    assert transport.send(message) == path  # the same Message-ID lands on the same file
    ((temp, target),) = replaced
    assert os.path.dirname(temp) == str(tmp_path) and str(target) == str(path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_failed_write_leaves_neither_a_partial_eml_nor_a_temp_file(tmp_path, monkeypatch):
    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        FileTransport(tmp_path).send(preview("reminder"))
    assert list(tmp_path.iterdir()) == []


def test_the_console_transport_prints_the_message():
    stream = io.StringIO()
    ConsoleTransport(stream).send(preview("resolved"))
    assert "X-MAPPA-Notices: A1234BC/resolved" in stream.getvalue()


def test_the_memory_transport_keeps_messages_and_fails_on_request():
    transport = MemoryTransport()
    transport.fail_next(TransientDeliveryError("try later", code=451), times=2)
    pauses = []
    with transport:
        assert send_with_retry(transport, preview("reminder"), sleep=pauses.append, backoff=1) == 3
    assert len(transport.sent) == 1 and pauses == [1, 2]
    transport.fail_next(PermanentDeliveryError("no", code=550))
    with pytest.raises(PermanentDeliveryError):
        send_with_retry(transport, preview("reminder"), sleep=pauses.append)
    assert len(transport.sent) == 1 and pauses == [1, 2]


@pytest.mark.parametrize(
    "kind, cls", [("file", FileTransport), ("console", ConsoleTransport), ("memory", MemoryTransport)]
)
def test_make_transport_follows_the_settings(kind, cls, tmp_path):
    assert isinstance(make_transport(load_settings(mail_transport=kind, data_dir=tmp_path)), cls)


def test_make_transport_builds_smtp_with_the_secret_read_late(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("first\n")
    settings = load_settings(
        mail_transport="smtp",
        smtp_host="relay.justice.gov.uk",
        smtp_port=587,
        smtp_username="tracker",
        smtp_password_file=secret,
        smtp_timeout=5,
    )
    transport = make_transport(settings)
    assert isinstance(transport, SmtpTransport)
    assert (transport.host, transport.port, transport.security, transport.timeout) == (
        "relay.justice.gov.uk",
        587,
        "starttls",
        5,
    )
    secret.write_text("rotated\n")
    assert transport._secret() == "rotated" and "rotated" not in repr(transport)


def test_make_transport_can_take_smtp_settings_from_a_prefect_email_block(monkeypatch):
    from prefect_email import EmailServerCredentials

    block = EmailServerCredentials(
        username="tracker", password="from-block", smtp_server="relay.justice.gov.uk", smtp_type="SSL"
    )
    monkeypatch.setattr(EmailServerCredentials, "load", lambda name, **kw: block if name == "mappa-smtp" else None)
    transport = make_transport(load_settings(mail_transport="smtp", smtp_credentials_block="mappa-smtp"))
    assert (transport.host, transport.port, transport.security, transport.username) == (
        "relay.justice.gov.uk",
        465,
        "ssl",
        "tracker",
    )
    assert transport._secret() == "from-block" and "from-block" not in repr(transport)
