"""The HMPPS settings: the secret from a file, never both, never shown."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, hmpps_secret, load_settings


def test_the_secret_may_come_from_a_file_read_at_the_moment_of_use(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    settings = load_settings(hmpps_client_secret_file=secret)
    assert hmpps_secret(settings) == "from-a-file" and "from-a-file" not in repr(settings)


def test_both_secret_settings_is_an_error_that_does_not_show_it(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("x")
    with pytest.raises(SettingsError) as error:
        load_settings(hmpps_client_secret="shown-nowhere", hmpps_client_secret_file=secret)
    assert "not both" in str(error.value) and "shown-nowhere" not in str(error.value)


def test_the_secret_is_not_in_the_settings_repr():
    assert "shown-nowhere" not in repr(load_settings(hmpps_client_secret="shown-nowhere"))


def test_bad_concurrency_and_rate_are_refused():
    with pytest.raises(SettingsError, match="MAPPA_HMPPS_MAX_CONCURRENCY"):
        load_settings(hmpps_max_concurrency=0)
    with pytest.raises(SettingsError, match="MAPPA_HMPPS_MAX_RATE"):
        load_settings(hmpps_max_rate=0)


def test_a_sync_from_a_secret_file(world, api, sync, engine, tmp_path, monkeypatch):
    from config.settings import get_settings
    from tests.hmpps.world import person

    secret = tmp_path / "secret"
    secret.write_text(world.client_secret)
    monkeypatch.delenv("MAPPA_HMPPS_CLIENT_SECRET")
    monkeypatch.setenv("MAPPA_HMPPS_CLIENT_SECRET_FILE", str(secret))
    get_settings.cache_clear()
    world.prisons["DMI"] = [person("A1111AA", "DMI")]
    assert sync().failed is None and api.calls["token"] == 1
