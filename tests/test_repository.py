"""The repository stands on its own: its layout is documented, and nothing points outside it.

* every top-level folder git tracks has a row in README.md's layout table (and every row a folder);
* no tracked source or document refers to a file outside the repository;
* every function, test and policy key docs/policy.md names exists, so the policy page cannot drift
  from the code it describes;
* scripts/ and bench/ import nothing from the tests: what they share with them lives in scripts.harness.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()
CHECKED_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".txt", ".html", ".cfg", ".ini", ".mako", ".sh"}
# Paths that only exist on a developer's machine: the team's notes and the shared work folders.
OUTSIDE = ("domain.md", "prefect-notes.md", "../shared", "shared/docs", "../seeds", "/work/")
LAYOUT_ROW = re.compile(r"^\|\s*`([^`/]+)/`\s*\|")
TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
DOTTED = re.compile(r"`((?:rules|config|notifications|outbox|chase|feeds|db|flows|tasks|cli)(?:\.\w+)+)`")
POLICY_KEY = re.compile(r"`((?:dates|delivery|steps)\.[\w.-]+)`")


def tracked_files(root: Path = ROOT) -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"cannot list the tracked files ({error}); under CI the tests run in a git checkout")
        pytest.skip(f"not a git checkout, cannot list the tracked files: {error}")
    return [name for name in out.stdout.split("\0") if name]


def tracked_folders(root: Path = ROOT) -> set[str]:
    return {name.split("/", 1)[0] for name in tracked_files(root) if "/" in name}


def layout_rows(readme: Path) -> set[str]:
    """The folder names in the first column of the table under README's "## Layout" heading."""
    section = readme.read_text(encoding="utf-8").split("\n## Layout\n", 1)
    assert len(section) == 2, f"{readme.name} has no '## Layout' section"
    rows = []
    for line in section[1].split("\n## ", 1)[0].splitlines():
        if match := LAYOUT_ROW.match(line):
            rows.append(match.group(1))
    return set(rows)


def outside_references(root: Path = ROOT) -> list[str]:
    found = []
    for name in tracked_files(root):
        if name == THIS_FILE or Path(name).suffix not in CHECKED_SUFFIXES:
            continue
        path = root / name
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            found += [f"{name}:{number}: {needle}" for needle in OUTSIDE if needle in line]
    return found


def test_every_tracked_folder_has_a_row_in_the_readme_layout_table():
    folders, rows = tracked_folders(), layout_rows(ROOT / "README.md")
    unlisted, stale = sorted(folders - rows), sorted(rows - folders)
    assert not unlisted, f"top-level folders missing from README.md's layout table: {unlisted}"
    assert not stale, f"README.md's layout table names folders that git does not track: {stale}"


def test_nothing_refers_to_a_file_outside_the_repository():
    found = outside_references()
    assert not found, "references to files outside the repository:\n" + "\n".join(found)


def test_the_policy_page_names_only_things_that_exist():
    text = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    tests, names, keys = TEST_ID.findall(text), DOTTED.findall(text), POLICY_KEY.findall(text)
    assert tests and names and keys, "docs/policy.md names no tests, functions or policy keys"
    missing = [f"{file}::{test}" for file, test in tests if not _defines(ROOT / file, test)]
    missing += [name for name in names if not _resolves(name)]
    with open(ROOT / "config" / "default_policy.toml", "rb") as f:
        policy = tomllib.load(f)
    missing += [key for key in keys if not _has_key(policy, key)]
    assert not missing, f"docs/policy.md names what does not exist: {list(dict.fromkeys(missing))}"


def _defines(path: Path, function: str) -> bool:
    return path.is_file() and re.search(rf"^def {function}\(", path.read_text(encoding="utf-8"), re.M) is not None


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute, None)
            if found is None:
                return False
        return True
    return False


def _has_key(table: dict, dotted: str) -> bool:
    for part in dotted.split("."):
        if not isinstance(table, dict) or part not in table:
            return False
        table = table[part]
    return True


# Run from a checkout, not under pytest: they may use scripts.harness (and the product), never tests.*
STANDALONE = ("scripts", "bench")
TESTS_MODULE = re.compile(r"tests(?:\.\w+)+")


def imports_from_tests(source: str, filename: str = "<source>") -> list[str]:
    """ "file:line: module" for each import of the test suite in `source`: import statements at any depth
    (inside functions too), and a dotted name given as a string (`python -m tests.x`, import_module)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value] if TESTS_MODULE.fullmatch(node.value) else []
        else:
            continue
        found += [f"{filename}:{node.lineno}: {name}" for name in names if name.split(".")[0] == "tests"]
    return found


def test_the_import_check_finds_imports_of_the_tests_at_any_depth():
    source = """
import tests.support.smtp
from tests import conftest
from scripts.harness import trials
import testsuite

def later():
    from tests.reliability.harness import Databases
    subprocess.run([sys.executable, "-m", "tests.reliability.night_entry"])
    return ROOT / "tests" / "reliability", "python -m pytest tests/reliability"
"""
    found = {hit.split(": ", 1)[1] for hit in imports_from_tests(source)}
    assert found == {"tests.support.smtp", "tests", "tests.reliability.harness", "tests.reliability.night_entry"}


def test_scripts_and_bench_import_nothing_from_the_tests():
    files = sorted(path for folder in STANDALONE for path in (ROOT / folder).rglob("*.py"))
    assert len(files) > 10, f"expected the modules of {STANDALONE}, found {files}"
    found = []
    for path in files:
        found += imports_from_tests(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert not found, "scripts/ and bench/ import from tests (move what they share to scripts/harness/):\n" + (
        "\n".join(found)
    )


@pytest.mark.parametrize("script", ["scripts/reliability.py", "bench/run.py"])
def test_the_standalone_scripts_start_from_a_checkout(script, tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / script), "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "usage:" in done.stdout, done.stderr[-2000:]
