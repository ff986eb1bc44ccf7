"""Cell parsers: dates day first, identifiers by their published formats, no formulas."""

from datetime import date

import pytest

from feeds import values


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2027-10-13", date(2027, 10, 13)),
        ("13/10/2027", date(2027, 10, 13)),
        ("3/1/2027", date(2027, 1, 3)),
        (" 03/01/2027 ", date(2027, 1, 3)),
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_it_reads_iso_and_uk_dates(text, expected):
    assert values.parse_date(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("13/31/2027", "not a date: '13/31/2027' has no month 31 (dates are day first: DD/MM/YYYY)"),
        ("31/02/2027", "not a real date: '31/02/2027'"),
        ("2027-02-30", "not a real date: '2027-02-30'"),
        ("1/2/27", "not a date: '1/2/27' (write DD/MM/YYYY or YYYY-MM-DD)"),
        ("20271013", "not a date: '20271013' (write DD/MM/YYYY or YYYY-MM-DD)"),
        ("2027-W41-3", "not a date: '2027-W41-3' (write DD/MM/YYYY or YYYY-MM-DD)"),
        ("10/13/2027", "not a date: '10/13/2027' has no month 13 (dates are day first: DD/MM/YYYY)"),
    ],
)
def test_it_refuses_us_order_impossible_and_other_dates(text, reason):
    with pytest.raises(ValueError) as error:
        values.parse_date(text)
    assert str(error.value) == reason


def test_it_upper_cases_identifiers_and_checks_their_format():
    assert values.parse_prison_number(" a1234bc ") == "A1234BC"
    assert values.parse_crn("x362207") == "X362207"
    assert values.parse_establishment_code("dmi") == "DMI"
    assert values.parse_pdu_code("n07_ldn-1") == "N07_LDN-1"
    for parse, bad in [
        (values.parse_prison_number, "A1234B"),
        (values.parse_crn, "X36220"),
        (values.parse_establishment_code, "DM1"),
        (values.parse_pdu_code, "N"),
        (values.parse_pdu_code, "N07 LDN!"),
    ]:
        with pytest.raises(ValueError, match="^not "):
            parse(bad)


@pytest.mark.parametrize(
    "bad",
    [
        "jo bloggs@justice.gov.uk",
        "Jo <jo@justice.gov.uk>",
        "a@b.uk,c@d.uk",
        "jo@justice",
        "jo@@justice.gov.uk",
        ".jo@justice.gov.uk",
        "jo@justice.gov.uk\r\nBcc: x@y.uk",
    ],
)
def test_an_email_is_one_plain_address_and_is_never_echoed(bad):
    with pytest.raises(ValueError) as error:
        values.parse_email(bad)
    assert "jo" not in str(error.value)


def test_an_email_is_lower_cased():
    assert values.parse_email("Jo.Bloggs@Justice.GOV.uk") == "jo.bloggs@justice.gov.uk"


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("=HYPERLINK(1)", "looks like a spreadsheet formula"),
        ("+44", "looks like a spreadsheet formula"),
        ("@SUM(A1)", "looks like a spreadsheet formula"),
        ("Jo\x07", "contains control characters"),
        ("Jo\u202eBloggs", "contains control characters"),
    ],
)
def test_names_refuse_formulas_and_control_characters_without_echoing(bad, reason):
    with pytest.raises(ValueError) as error:
        values.parse_name(bad)
    assert str(error.value) == reason


def test_a_hyphenated_or_apostrophe_name_is_fine():
    assert values.parse_name("O'Neill-Smith") == "O'Neill-Smith"


def test_levels_and_categories_are_small_whole_numbers():
    assert values.parse_level("0") == 0 and values.parse_category("4") == 4
    for parse, bad in [
        (values.parse_level, "4"),
        (values.parse_category, "0"),
        (values.parse_category, "M2"),
        (values.parse_level, "1.0"),
    ]:
        with pytest.raises(ValueError, match="^not a number from"):
            parse(bad)
