"""`mappa demo`: synthetic prisons, the real import, months of nights in one Prefect flow run, a summary.

The newcomer's first five minutes: everything runs on the embedded defaults (SQLite
and .eml files under the data folder, Prefect without a separately started server).
"""
