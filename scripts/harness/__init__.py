"""The real parts that scripts/, bench/ and the tests share: loopback SMTP, database factories, the reliability trials.

Nothing here imports from `tests` or needs pytest, so a script or a benchmark can use it from a checkout
(tests/test_repository.py keeps it so); the tests import it too, and measure the same thing.
"""
