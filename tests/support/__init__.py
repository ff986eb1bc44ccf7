"""Test support: real parts (databases, SMTP) shared by the suites."""
