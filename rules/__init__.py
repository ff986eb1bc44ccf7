"""Pure chase rules: dates, plans and the nightly decision for one case.

Nothing in this package reads a clock, touches a database or sends mail; `today`
is always passed in, so every rule can be replayed for any night.
"""
