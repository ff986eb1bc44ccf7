"""Reading HMPPS's own systems over HTTP: HMPPS Auth, Prisoner Search and the probation integration API.

The contract (the shapes and fields used) is written down in docs/sources.md.
"""
