"""rules.problems.standing names each role nobody stands in for; it works that out once per pattern of
known roles, which must give what resolving the case's own addresses gives."""

from hypothesis import given
from hypothesis import strategies as st

from rules.addresses import address
from rules.case import CaseFacts, People
from rules.information import Information
from rules.problems import MISSING_CONTACT, ROLES, Known, from_rule, standing
from rules.release import ReleaseDates

contact = st.none() | st.just("") | st.sampled_from(["a@justice.gov.uk", "b@probation.gov.uk"])
people = st.builds(People, **{role: contact for role in ROLES})
roles = st.lists(st.sampled_from(list(ROLES)), max_size=9)


def facts(who: People) -> CaseFacts:
    return CaseFacts("A1234BC", "DMI", ReleaseDates("determinate"), None, Information(), who)


@given(who=people, asked=roles)
def test_missing_contacts_are_what_resolving_the_case_itself_finds(who, asked):
    direct = [
        found
        for found in map(from_rule, address(tuple(dict.fromkeys(asked)), (), who).problems)
        if found.code == MISSING_CONTACT
    ]
    found = [p for p in standing(facts(who), Known(), asked) if p.code == MISSING_CONTACT]
    assert found == direct
