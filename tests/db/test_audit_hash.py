"""The chain's hash is sha256 of one JSON list; the fast encoding in db.audit must give exactly that text."""

import enum
import hashlib
import json
from datetime import UTC, datetime

from hypothesis import example, given
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


def json_canonical(detail):
    """What db.audit.canonical wrote before orjson, and must still write: `verify` re-encodes old rows."""
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=audit._plain)


everything = st.characters(codec=None)  # every code point: controls, U+2028, lone surrogates included
leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(everything, max_size=12)
    | st.dates()
    | st.datetimes(timezones=st.none() | st.just(UTC))
    | st.frozensets(st.text(max_size=3), max_size=3)
)
details = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(everything, max_size=6), inner, max_size=4)
        | st.dictionaries(st.integers(), inner, max_size=2)
    ),
    max_leaves=25,
)


class Level(enum.IntEnum):
    TWO = 2


class State(enum.StrEnum):
    AWAITING = "awaiting-info"


class Odd(enum.StrEnum):  # a str enum whose text is not its value: both must write the text
    def __new__(cls, text: str, value: str):
        member = str.__new__(cls, text)
        member._value_ = value
        return member

    ONE = ("one", "uno")


@given(details)
@example({"level": float("nan"), "at": float("inf")})  # json writes NaN and Infinity; orjson writes null
@example([1e-7, 1e16, 2.5e-5, 0.1])  # json writes 1e-07 and 1e+16; orjson 1e-7 and 1e16
@example({"big": 2**70, "small": -(2**64)})  # past orjson's 64 bits
@example({"level": Level.TWO, "line": "\x00\x1f\x7f\u2028\ud800"})  # an int subclass; controls; a surrogate
@example({1: "a", "1": "b"})  # keys json turns into strings
@example({"state": State.AWAITING, "states": [State.AWAITING, "x"]})  # a str enum: its text, by orjson
@example({"odd": Odd.ONE})
def test_the_detail_is_encoded_exactly_as_json_would_encode_it(detail):
    try:
        expected = json_canonical(detail)
    except (TypeError, ValueError) as error:  # what json refuses, canonical refuses too
        try:
            audit.canonical(detail)
        except type(error):
            return
        raise AssertionError(f"canonical accepted what json refused ({error})") from None
    assert audit.canonical(detail) == expected


def test_a_detail_too_deep_for_orjson_still_encodes():
    deep = "leaf"
    for _ in range(300):
        deep = {"d": deep}
    assert audit.canonical(deep) == json_canonical(deep)
