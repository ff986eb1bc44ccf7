import pytest

from config.policy import PolicyError, load_policy


def write(tmp_path, text: str):
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path


def test_the_default_policy_loads():
    policy = load_policy().base
    assert [rung.step for rung in policy.ladder] == ["escalation-1", "escalation-2", "escalation-3"]
    assert policy.dates.request_months_before_release == 7
    assert policy.dates.friday_release_days == 2
    assert policy.delivery.digest is True
    assert [r.working_days_after_due for r in policy.ladder] == [5, 15, 25]


@pytest.mark.parametrize(
    "step, to, cc",
    [
        ("request", ("com",), ("omu_mailbox",)),
        ("reminder", ("com",), ("omu_mailbox",)),
        ("escalation-1", ("spo",), ("com", "omu_mailbox")),
        ("escalation-2", ("head_of_pdu", "mappa_coordinator"), ("spo", "omu_mailbox")),
        ("escalation-3", ("head_of_omu",), ("head_of_pdu", "omu_mailbox")),
        ("final-warning", ("head_of_omu", "head_of_pdu", "mappa_coordinator"), ("com", "omu_mailbox")),
        ("released-unconfirmed", ("head_of_omu",), ("omu_mailbox",)),
        ("resolved", (), ("omu_mailbox",)),
    ],
)
def test_the_default_addressees(step, to, cc):
    assert load_policy().base.recipients(step) == (to, cc)


def test_an_override_file_changes_only_what_it_names(tmp_path):
    book = load_policy(
        write(
            tmp_path,
            """
        [dates]
        request_months_before_release = 8
        [delivery]
        digest = false
        [steps.reminder]
        cc = ["omu_mailbox", "spo"]
    """,
        )
    )
    policy = book.base
    assert policy.dates.request_months_before_release == 8
    assert policy.dates.reminder_months_before_release == 6
    assert policy.delivery.digest is False
    assert policy.recipients("reminder") == (("com",), ("omu_mailbox", "spo"))
    assert len(policy.ladder) == 3


def test_an_establishment_overrides_the_base(tmp_path):
    book = load_policy(
        write(
            tmp_path,
            """
        [establishments.DMI.dates]
        friday_release_days = 1
        [[establishments.DMI.ladder]]
        step = "escalation-1"
        working_days_after_due = 10
        to = ["head_of_pdu"]
    """,
        )
    )
    durham = book.for_establishment("DMI")
    assert durham.dates.friday_release_days == 1
    assert [rung.step for rung in durham.ladder] == ["escalation-1"]
    assert durham.dates.request_months_before_release == 7
    assert book.for_establishment("BMI") is book.base
    assert book.for_establishment(None) is book.base
    assert book.for_establishment("DMI") is durham
    assert book.base.dates.friday_release_days == 2


@pytest.mark.parametrize(
    "text, message",
    [
        ("[dates]\nreminder_weeks = 3", "dates.reminder_weeks: unknown key"),
        ("[steps.reminder]\nbcc = ['spo']", "steps.reminder.bcc: unknown key"),
        (
            "[[ladder]]\nstep = 'escalation-1'\nworking_days_after_due = -5\nto = ['spo']",
            "ladder[1].working_days_after_due: must be greater than 0, got -5",
        ),
        (
            "[[ladder]]\nstep = 'escalation-2'\nworking_days_after_due = 5\nto = ['spo']",
            "ladder: rung 1 is named 'escalation-2'",
        ),
        (
            "[[ladder]]\nstep = 'escalation-1'\nworking_days_after_due = 15\nto = ['spo']\n"
            "[[ladder]]\nstep = 'escalation-2'\nworking_days_after_due = 5\nto = ['spo']",
            "escalation-2 (5 wd) must come strictly after escalation-1 (15 wd)",
        ),
        ("ladder = []", "ladder: "),
        ("[steps.final-warning]\nto = ['governor']", "steps.final-warning.to: unknown role 'governor'"),
        ("[steps.request]\nto = []", "steps.request.to: must name at least one role"),
        ("[steps.resolved]\nto = ['com']", "steps.resolved.to: unknown key"),
        ("[dates]\nfriday_release_days = 3", "dates.friday_release_days: must be less than or equal to 2"),
        ("[dates]\nrequest_months_before_release = '7'", "dates.request_months_before_release"),
        ("[establishments.DMI.steps.reminder]\nto = ['boss']", "establishments.DMI.steps.reminder.to: unknown role"),
        ("[establishments.dmi.dates]\nfriday_release_days = 1", "establishments.dmi: an establishment code"),
        ("[dates\n", "not valid TOML"),
    ],
)
def test_a_bad_policy_is_refused_naming_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as refused:
        load_policy(path)
    assert message in str(refused.value)
    assert str(path) in str(refused.value)


def test_a_missing_file_is_a_policy_error(tmp_path):
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "nowhere.toml")


def test_an_unknown_step_has_no_addressees():
    with pytest.raises(KeyError):
        load_policy().base.recipients("escalation-9")
