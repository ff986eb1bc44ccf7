"""A real SMTP server on loopback for tests; it lives in scripts.harness.smtp (the benchmarks use it too)."""

from __future__ import annotations

from scripts.harness.smtp import ReceivedEnvelope, SmtpSink, free_port

__all__ = ["ReceivedEnvelope", "SmtpSink", "free_port"]
