"""The Notify body: Notify's markdown from the text template's context, data never formatting."""

from __future__ import annotations

from dataclasses import replace

from notifications.compose import render
from notifications.notify_format import body_of, escape
from notifications.preview import sample_envelope


def test_formatting_characters_in_data_are_escaped():
    assert escape("# Heading") == "\\# Heading"
    assert escape("*bold* ^inset [link](http://x)") == "\\*bold\\* \\^inset \\[link\\](http://x)"
    assert "((" not in escape("((body))") and "\n" not in escape("two\nlines")


def test_a_hostile_name_cannot_make_a_heading_a_link_or_a_placeholder():
    envelope = sample_envelope("reminder")
    first = envelope.deliveries[0]
    hostile = replace(first.item, first_name="#Evil\n# Heading", last_name="[click](http://evil.example) ((body))")
    envelope = replace(envelope, deliveries=(replace(first, item=hostile), *envelope.deliveries[1:]))
    body = body_of(render(envelope, sender="mappa-tracker@justice.gov.uk", notify=True))
    assert body is not None
    assert "\n# Heading" not in body and "[click](" not in body and "((body))" not in body
    assert "\\#Evil" in body
    assert "<" not in body  # no HTML


def test_smtp_messages_carry_no_notify_body():
    assert body_of(render(sample_envelope("reminder"), sender="mappa-tracker@justice.gov.uk")) is None
