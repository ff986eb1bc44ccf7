"""HMPPS Auth: a client-credentials token, reused until a minute before it expires.

The secret is read at the moment of use and only ever goes into the Authorization
header of the token request; no message here can contain it (or the token).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

EARLY = 60  # seconds before `expires_in` that we stop using a token


class AuthError(Exception):
    """HMPPS Auth gave no token; the message names the status, never the credentials."""


@dataclass
class Token:
    value: str
    good_until: float  # time.monotonic()


class TokenStore:
    """One token per process, shared by every call of every establishment."""

    def __init__(self, auth_url: str, client_id: str, secret: Callable[[], str | None]):
        self.url = auth_url.rstrip("/") + "/oauth/token"
        self.client_id, self._secret = client_id, secret
        self.token: Token | None = None
        self.fetched = 0

    def current(self) -> str | None:
        if self.token is not None and time.monotonic() < self.token.good_until:
            return self.token.value
        return None

    def forget(self, value: str) -> None:
        """The API refused this token (401): the next call fetches a new one."""
        if self.token is not None and self.token.value == value:
            self.token = None

    async def fetch(self, client: httpx.AsyncClient) -> str:
        secret = self._secret()
        if not secret:
            raise AuthError("no client secret: set MAPPA_HMPPS_CLIENT_SECRET or MAPPA_HMPPS_CLIENT_SECRET_FILE")
        try:
            response = await client.post(
                self.url, params={"grant_type": "client_credentials"}, auth=(self.client_id, secret)
            )
        except httpx.HTTPError as error:
            raise AuthError(f"HMPPS Auth did not answer ({type(error).__name__})") from None
        finally:
            del secret
        if response.status_code != 200:
            raise AuthError(f"HMPPS Auth refused the client credentials (HTTP {response.status_code})")
        try:
            body = response.json()
            value, lifetime = str(body["access_token"]), float(body.get("expires_in", 0))
        except (ValueError, KeyError, TypeError):
            raise AuthError("HMPPS Auth answered without a usable access_token") from None
        self.token = Token(value, time.monotonic() + max(0.0, lifetime - EARLY))
        self.fetched += 1
        return value
