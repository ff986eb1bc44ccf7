"""Who may receive MAPPA e-mail: one plain address, on a secure government domain."""

from __future__ import annotations

import re
from collections.abc import Sequence

NO_ADDRESS = "no address"
NOT_AN_ADDRESS = "not a valid e-mail address"

# A dot-atom addr-spec only: no display names, comments, quoted local parts or lists, because
# anything richer is a way to smuggle a second recipient or a header into the message.
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDR_SPEC = re.compile(rf"(?P<local>{ATOM}(?:\.{ATOM})*)@(?P<domain>(?:{LABEL}\.)+[A-Za-z]{{2,63}})")


class InvalidAddress(ValueError):
    """An address that must not be used; the message is the reason, never the address."""


def syntax_problem(address: str | None) -> str | None:
    if address is None or not address.strip():
        return NO_ADDRESS
    match = ADDR_SPEC.fullmatch(address)
    if match is None or len(address) > 254 or len(match.group("local")) > 64:
        return NOT_AN_ADDRESS
    return None


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def is_allowed_domain(domain: str, allowed_domains: Sequence[str]) -> bool:
    domain = domain.lower()
    for allowed in allowed_domains:
        allowed = allowed.strip().lower().lstrip("@.")
        if allowed and (domain == allowed or domain.endswith("." + allowed)):
            return True
    return False


def check_address(address: str | None, allowed_domains: Sequence[str]) -> str | None:
    """None if OK to send; otherwise why not. An empty allow-list allows nothing."""
    problem = syntax_problem(address)
    if problem:
        return problem
    domain = domain_of(address)
    if not is_allowed_domain(domain, allowed_domains):
        return f"domain {domain} is not in MAPPA_ALLOWED_RECIPIENT_DOMAINS"
    return None


def plain_address(address: str | None, allowed_domains: Sequence[str] | None = None) -> str:
    """The address itself, or InvalidAddress: for use right before it goes into a header."""
    problem = syntax_problem(address) if allowed_domains is None else check_address(address, allowed_domains)
    if problem:
        raise InvalidAddress(problem)
    return address
