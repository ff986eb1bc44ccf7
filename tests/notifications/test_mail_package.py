import subprocess
import sys
from pathlib import Path

import notifications

PACKAGE = Path(notifications.__file__).parent


def test_the_package_imports_neither_sqlalchemy_nor_prefect():
    code = (
        "import sys, notifications.compose, notifications.transports, notifications.preview, "
        "notifications.addresses\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'prefect'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    )
    assert result.stdout.strip() == "[]"


def test_modules_stay_short():
    assert {p.name: n for p in PACKAGE.glob("*.py") if (n := len(p.read_text().splitlines())) >= 150} == {}
