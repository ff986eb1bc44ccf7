from datetime import date

import pytest

from rules.information import Information, missing_information


@pytest.mark.parametrize(
    "info, missing",
    [
        (Information(), ("category", "level")),
        (Information(category=1), ("level",)),
        (Information(level=1), ("category",)),
        (Information(category=1, level=1), ()),
        (Information(category=2, level=2), ("mapp_meeting_date",)),
        (Information(level=3), ("category", "mapp_meeting_date")),
        (Information(category=2, level=2, meeting_date=date(2027, 4, 1)), ()),
        (Information(level=0), ()),
        (Information(not_eligible=True), ()),
    ],
)
def test_it_lists_what_is_missing(info, missing):
    assert missing_information(info) == missing
    assert (missing_information(info) == ()) is (missing == ())


@pytest.mark.parametrize("fields", [dict(category=5), dict(level=4), dict(category=0)])
def test_it_refuses_impossible_values(fields):
    with pytest.raises(ValueError):
        Information(**fields)
