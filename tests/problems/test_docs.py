from pathlib import Path

from rules.problems import REASONS

DOC = Path(__file__).parents[2] / "docs" / "problems.md"


def test_every_reason_is_documented_with_its_sentence():
    text = DOC.read_text()
    for reason in REASONS.values():
        kind = "blocking" if reason.blocking else "warning"
        assert f"| `{reason.code}` | {kind} | {reason.sentence} |" in text, reason.code
