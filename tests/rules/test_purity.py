import subprocess
import sys


def test_the_rules_import_no_orchestration_database_or_templates():
    script = (
        "import sys, rules.decide, rules.trail, rules.problems, config.policy; "
        "print(sorted(m for m in ('prefect', 'sqlalchemy', 'jinja2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
