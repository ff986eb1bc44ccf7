"""The access file and `mappa web`'s start: a bad file or a missing setting is one clear line, nothing served."""

from __future__ import annotations

import pytest

from cli.web.access import AccessFileError, grant_for, load_access
from config.settings import get_settings
from tests.support.cli import mappa

GOOD = """
[[user]]
email = "Jo.Bloggs@justice.gov.uk"
role = "viewer"
establishments = ["dmi"]

[[group]]
name = "omu-leeds"
role = "recorder"
establishments = ["LEI"]
"""


def test_a_person_in_several_tables_gets_the_highest_role_and_every_prison(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text(GOOD)
    grant = grant_for(load_access(path), "jo.bloggs@justice.gov.uk", ["omu-leeds"])
    assert grant is not None and grant.role == "recorder" and grant.establishments == {"DMI", "LEI"}
    assert grant.holds("LEI") and not grant.holds("FKI") and not grant.may("admin")
    assert grant_for(load_access(path), "someone@justice.gov.uk", ["omu-durham"]) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            '[[user]]\nemail = "a@b.c"\nrole = "boss"\nestablishments = ["DMI"]',
            "[[user]] number 1: role must be one of",
        ),
        ('[[group]]\nrole = "viewer"\nestablishments = ["DMI"]', '[[group]] number 1: needs name = "..."'),
        ('[[user]]\nemail = "a@b.c"\nrole = "viewer"\nestablishments = []', "establishments must be a list"),
        ("[[users]]\nemail = 1", "unknown table 'users'"),
        ("[[user]\n", "not valid TOML"),
    ],
)
def test_a_bad_access_file_is_refused_with_the_table_and_reason(tmp_path, text, reason):
    path = tmp_path / "access.toml"
    path.write_text(text)
    with pytest.raises(AccessFileError, match="access.toml") as refused:
        load_access(path)
    assert reason in str(refused.value)


def test_mappa_web_without_its_settings_says_which_and_serves_nothing(mappa_env, monkeypatch):
    monkeypatch.setenv("MAPPA_WEB_SECRET_KEY", "do-not-print-me")
    get_settings.cache_clear()
    result = mappa("web", "--port", "1")
    assert result.exit_code == 2
    assert "MAPPA_OIDC_ISSUER, MAPPA_OIDC_CLIENT_ID, MAPPA_WEB_ACCESS_FILE" in result.output
    assert "do-not-print-me" not in result.output
