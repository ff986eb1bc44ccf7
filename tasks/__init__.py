"""Thin Prefect tasks: the I/O steps the flows orchestrate."""
