from html.parser import HTMLParser

import jinja2
import pytest

from notifications.context import message_context
from notifications.preview import STEPS_WITH_TEMPLATES, preview, sample_envelope
from notifications.templating import TEMPLATES, environment, render_parts, render_template


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_there_is_a_template_folder_for_every_step():
    for folder in STEPS_WITH_TEMPLATES:
        assert {p.name for p in (TEMPLATES / folder).iterdir()} >= {"subject.txt", "body.txt", "body.html"}


@pytest.mark.parametrize("step", STEPS_WITH_TEMPLATES)
def test_every_step_renders_both_parts_with_every_fact_a_reader_needs(step):
    message = preview(step)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "A1234BC" in part and "B2345CD" in part and "C3456DE" in part
        assert "EXAMPLE" in part and "HMP Durham (DMI)" in part
        assert "Wednesday 13 October 2027" in part and "CRD 13/10/2027" in part
        assert "brought forward because it is a Friday" in part
        assert "Copied to you for information" in part
        assert "omu.durham@justice.gov.uk" in part
    if step != "resolved":
        assert "MAPPA level" in text and "nDelius" in text
        assert "Information request 15/03/2027" in text or step in ("request", "allocate-com")
    assert message["Subject"].count("MAPPA") >= 1 and "Alex" not in message["Subject"]


@pytest.mark.parametrize("step", STEPS_WITH_TEMPLATES)
def test_the_html_is_plain_and_accessible(step):
    html = preview(step).get_body(("html",)).get_content()
    tags = Tags()
    tags.feed(html)
    names = [tag for tag, _ in tags.tags]
    assert ("html", {"lang": "en-GB"}) in tags.tags
    assert names.count("h1") == 1 and "h2" in names and "h3" in names
    assert all(attrs.get("scope") in ("row", "col") for tag, attrs in tags.tags if tag == "th")
    assert not {"img", "script", "iframe", "form"} & set(names)
    assert not any("style" in attrs or any(k.startswith("on") for k in attrs) for _, attrs in tags.tags)


def test_the_environment_is_strict_and_escapes_html_only():
    env = environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.autoescape("x/body.html") and not env.autoescape("x/body.txt")


@pytest.mark.parametrize("missing", ["subject_cases", "action_cases", "reply_to", "step_label"])
def test_a_missing_variable_fails_the_render(missing):
    context = message_context(sample_envelope("escalation-1"))
    del context[missing]
    with pytest.raises(jinja2.UndefinedError):
        render_parts("escalation-1", context)


def test_a_misspelt_case_field_fails_too():
    template = environment().from_string("{{ case.prison_numbr }}")
    with pytest.raises(jinja2.UndefinedError):
        template.render(case=message_context(sample_envelope("request"))["action_cases"][0])


def test_text_templates_are_not_escaped_and_html_ones_are():
    context = {**message_context(sample_envelope("reminder")), "subject": "x"}
    context["establishment"] = "HMP <Test> & Co"
    assert "HMP <Test> & Co" in render_template("reminder/body.txt", context)
    assert "HMP &lt;Test&gt; &amp; Co" in render_template("reminder/body.html", context)
