"""E-mail for the MAPPA chase: turn queued notices into messages and hand them to a transport.

A pure rendering and transport layer. It must not import sqlalchemy or prefect at module level:
the database-side delivery task is the only place that knows about rows and runs.
"""
