"""Delivering the outbox: claim pending deliveries, re-check them, send, and record each result."""
