"""The repository stands on its own: its layout is documented, and nothing points outside it.

* every top-level folder git tracks has a row in README.md's layout table (and every row a folder);
* no tracked source or document refers to a file outside the repository;
* every function, test and policy key docs/policy.md names exists, so the policy page cannot drift
  from the code it describes.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
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
