"""The chain's hash is sha256 of one JSON list; the fast encoding in db.audit must give exactly that text."""

import hashlib
import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from db import audit


def documented_hash(prev, seq, at, actor, prison_number, kind, detail_json):
    head = json.dumps(
        [prev, seq, at.isoformat(), actor, prison_number, kind], separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(f"{head[:-1]},{detail_json}]".encode()).hexdigest()


@given(
    prev=st.text(max_size=64),
    seq=st.integers(min_value=1, max_value=10**12),
    at=st.datetimes(timezones=st.just(UTC)),
    actor=st.text(max_size=20),
    prison_number=st.none() | st.text(max_size=8),
    kind=st.text(max_size=20),
    detail=st.dictionaries(st.text(max_size=5), st.text(max_size=5) | st.integers() | st.none(), max_size=3),
)
def test_each_link_hashes_the_documented_json_list(prev, seq, at, actor, prison_number, kind, detail):
    detail_json = audit.canonical(detail)
    expected = documented_hash(prev, seq, at, actor, prison_number, kind, detail_json)
    assert audit.digest(prev, seq, at, actor, prison_number, kind, detail) == expected
    chain = audit._Chain(at, actor)
    assert chain.link(prev, seq, prison_number, kind, detail_json) == expected
    assert chain.link(prev, seq, prison_number, kind, detail_json) == expected  # the kind's memo gives the same


def test_a_known_link_keeps_its_hash():
    """Pinned: a chain written before this encoding verifies after it."""
    at = datetime(2027, 1, 4, 1, 30, tzinfo=UTC)
    detail = {"after": {"crd": "2027-05-01"}, "é": "\u2028"}
    expected = "6bfd7555ba932fd3d80ca6a8ae29e9d5a637e67adbf7f28f460b0833d0813df6"  # by documented_hash
    assert audit.digest(audit.GENESIS, 1, at, "import:x", "A1234BC", "prisoner-added", detail) == expected
