"""One home per concept: outside rules/steps.py no product module spells a step name as a whole string."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEP_NAME = re.compile(r"request|reminder|final-warning|released-unconfirmed|resolved|escalation-[0-9]+")
HOMES = {"rules/steps.py"}


def product_modules() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        ROOT / name
        for name in listed
        if not name.startswith(("tests/", "db/migrations/")) and name not in HOMES and (ROOT / name).exists()
    ]


def step_literals(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(root)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and STEP_NAME.fullmatch(node.value)
    ]


def test_no_product_module_spells_a_step_name():
    found = [hit for path in product_modules() for hit in step_literals(path)]
    assert found == [], "use rules.steps.Step instead:\n" + "\n".join(found)


def test_the_check_finds_a_spelled_step(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text('if step == "escalation-2" or step == "request":\n    """A request is never a literal here."""\n')
    assert step_literals(module, tmp_path) == ["sample.py:1: 'escalation-2'", "sample.py:1: 'request'"]
