"""Prefect flows: they orchestrate the tasks and nothing else."""
