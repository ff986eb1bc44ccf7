#!/usr/bin/env python3
"""Run mappa-tracker from a fresh checkout with nothing but Python 3.11+.

    python3 dev.py demo        # the nightly check on demo data (SQLite, local Prefect, e-mails to files)
    python3 dev.py test        # ruff, mypy, then the whole test suite (extra arguments go to pytest)
                               # (over the cores by pytest-xdist; the tests marked `alone` after, by themselves)
    python3 dev.py mappa ...   # any mappa command, inside the project's environment

The first run creates .venv from the hash-pinned requirements.lock; later runs
reuse it until the lock file or pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".mappa-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    if STAMP.exists() and STAMP.read_text() == fingerprint():
        return
    if sys.version_info < (3, 11):
        sys.exit("mappa-tracker needs Python 3.11 or newer")
    print("Preparing .venv (first run, or the dependencies changed)...", flush=True)
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--require-hashes", "-r", str(ROOT / "requirements.lock")], check=True)
    subprocess.run([*pip, "install", "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(fingerprint())


def check_code(env: dict[str, str]) -> int:
    """Lint, formatting and types first: a seconds-long failure beats one found after the suite."""
    for check in (["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]):
        status = subprocess.call([str(BIN / check[0]), *check[1:]], env=env, cwd=ROOT)
        if status:
            print(f"{' '.join(check)} failed (exit {status}); fix it before the tests run", flush=True)
            return status
    return 0


def run_tests(env: dict[str, str], args: list[str]) -> int:
    """The whole suite: the tests marked `alone` by themselves, after the rest spread over the cores by
    pytest-xdist (a test file to each process, in order: many share a module's server or browser).
    The `alone` ones start their own Prefect servers and processes, whose start-up times out when
    another process takes the other core. With arguments, pytest runs exactly what they say."""
    pytest = [str(BIN / "python"), "-m", "pytest"]
    if args:
        return subprocess.call([*pytest, *args], env=env, cwd=ROOT)
    cores = str(min(os.cpu_count() or 1, 4))
    spread = subprocess.call([*pytest, "-n", cores, "--dist", "loadfile", "-m", "not alone"], env=env, cwd=ROOT)
    alone = subprocess.call([*pytest, "-m", "alone"], env=env, cwd=ROOT)
    return spread or alone


def run(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if command == "demo":
        return subprocess.call([str(BIN / "mappa"), "demo", *rest], env=env, cwd=ROOT)
    if command == "test":
        return check_code(env) or run_tests(env, rest)
    if command == "mappa":
        return subprocess.call([str(BIN / "mappa"), *rest], env=env, cwd=ROOT)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    if sys.argv[1:2] not in (["help"], ["-h"], ["--help"]):
        ensure_environment()
    sys.exit(run(sys.argv[1:]))
