"""Scripts run from a checkout (`python scripts/reliability.py`); `scripts.harness` is what they share."""
