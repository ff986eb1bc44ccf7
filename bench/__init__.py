"""National-scale benchmarks: `python bench/run.py --help`. Figures go to docs/performance.md."""
