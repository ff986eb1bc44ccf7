"""The HMPPS contract server lives with the other loopback peers in scripts/harness."""

from scripts.harness.hmpps_server import ContractServer, World

__all__ = ["ContractServer", "World"]
