import pytest

from notifications.addresses import InvalidAddress, check_address, plain_address

ALLOWED = ("justice.gov.uk", "probation.gov.uk")


@pytest.mark.parametrize(
    "address",
    [
        "jo.bloggs@justice.gov.uk",
        "Jo.Bloggs@JUSTICE.GOV.UK",
        "omu.durham@hmps.justice.gov.uk",
        "spo+team@probation.gov.uk",
    ],
)
def test_it_accepts_one_plain_address_on_an_allowed_domain_or_subdomain(address):
    assert check_address(address, ALLOWED) is None


@pytest.mark.parametrize("address", [None, "", "   "])
def test_it_says_when_there_is_no_address(address):
    assert check_address(address, ALLOWED) == "no address"


@pytest.mark.parametrize(
    "address",
    [
        "jo.bloggs@justice.gov.uk\r\nBcc: x@example.com",
        "jo.bloggs@justice.gov.uk\n",
        "jo@justice.gov.uk, x@example.com",
        "jo@justice.gov.uk;x@justice.gov.uk",
        "Jo Bloggs <jo@justice.gov.uk>",
        '"jo"@justice.gov.uk',
        "jo bloggs@justice.gov.uk",
        "jo@justice.gov.uk (Jo)",
        "jo@@justice.gov.uk",
        "jo.@justice.gov.uk",
        "jo@justice",
        "jo@-justice.gov.uk",
        "jo\x00@justice.gov.uk",
        "jö@justice.gov.uk",
        "@justice.gov.uk",
    ],
)
def test_it_rejects_anything_but_a_single_plain_addr_spec(address):
    assert check_address(address, ALLOWED) == "not a valid e-mail address"


@pytest.mark.parametrize(
    "address, domain",
    [
        ("x@example.com", "example.com"),
        ("x@notjustice.gov.uk", "notjustice.gov.uk"),
        ("x@justice.gov.uk.example.com", "justice.gov.uk.example.com"),
        ("x@EXAMPLE.com", "example.com"),
    ],
)
def test_it_blocks_domains_outside_the_allow_list(address, domain):
    assert check_address(address, ALLOWED) == f"domain {domain} is not in MAPPA_ALLOWED_RECIPIENT_DOMAINS"


def test_an_empty_allow_list_allows_nothing():
    assert check_address("jo@justice.gov.uk", ()) is not None


def test_plain_address_raises_the_reason_without_echoing_the_address():
    with pytest.raises(InvalidAddress) as raised:
        plain_address("jo@justice.gov.uk\r\nBcc: x@example.com")
    assert str(raised.value) == "not a valid e-mail address"
    with pytest.raises(InvalidAddress, match="not in MAPPA_ALLOWED"):
        plain_address("x@example.com", ALLOWED)
    assert plain_address("x@example.com") == "x@example.com"
