#!/usr/bin/env python3
"""Run mappa-tracker from a fresh checkout with nothing but Python 3.11+.

    python3 dev.py demo        # the nightly check on demo data (SQLite, local Prefect, e-mails to files)
    python3 dev.py test        # ruff, mypy, then the whole test suite (extra arguments go to pytest)
                               # spread over up to 4 processes by pytest-xdist, a test file to each
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


def spread_over_cores(args: list[str]) -> list[str]:
    """pytest-xdist's options, unless the caller chose their own. A file's tests stay in one process, in
    order: many share a module's server or browser, which would otherwise start once per process."""
    if any(arg.startswith(("-n", "--numprocesses", "--dist")) or arg == "no:xdist" for arg in args):
        return []
    return ["-n", str(min(os.cpu_count() or 1, 4)), "--dist", "loadfile"]


def run(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if command == "demo":
        return subprocess.call([str(BIN / "mappa"), "demo", *rest], env=env, cwd=ROOT)
    if command == "test":
        pytest = [str(BIN / "python"), "-m", "pytest", *spread_over_cores(rest), *rest]
        return check_code(env) or subprocess.call(pytest, env=env, cwd=ROOT)
    if command == "mappa":
        return subprocess.call([str(BIN / "mappa"), *rest], env=env, cwd=ROOT)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    if sys.argv[1:2] not in (["help"], ["-h"], ["--help"]):
        ensure_environment()
    sys.exit(run(sys.argv[1:]))
