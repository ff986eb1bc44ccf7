"""Calls to the HMPPS APIs: bounded concurrency, a rate cap, retries with backoff, one token refresh.

5xx, timeouts, dropped connections and 429 are retried (429 after its Retry-After);
other 4xx are not. A 401 fetches a new token once and retries that call once. An
answer that is not JSON is a failure of the call. Messages name the source and
path only: never a header, a token or the secret.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from typing import Any

import httpx

from feeds.hmpps.auth import AuthError, TokenStore

NOT_FOUND = object()  # what a call that allows 404 gives for one
MAX_RETRY_AFTER = 60.0


class SourceError(Exception):
    """A call failed for good (after its retries)."""


class RateCap:
    """At most `rate` calls start per second, spaced evenly."""

    def __init__(self, rate: float):
        self.interval, self.next_start = 1.0 / rate, 0.0
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


class Caller:
    def __init__(
        self, tokens: TokenStore, *, timeout: float, concurrency: int, rate: float, retries: int, backoff: float = 0.5
    ):
        self.tokens, self.retries, self.backoff, self.concurrency = tokens, retries, backoff, concurrency
        self.client = httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=concurrency))
        self.slots = asyncio.Semaphore(concurrency)
        self.cap = RateCap(rate)
        self.token_lock = asyncio.Lock()
        self.calls: Counter[str] = Counter()  # by source, every attempt made
        self.errors: Counter[str] = Counter()

    async def __aenter__(self) -> Caller:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.client.aclose()

    async def get(self, source: str, url: str, params: dict | None = None, allow_404: bool = False) -> Any:
        return await self._call(source, "GET", url, params=params, allow_404=allow_404)

    async def post(self, source: str, url: str, body: Any) -> Any:
        return await self._call(source, "POST", url, json=body)

    async def _token(self) -> str:
        async with self.token_lock:  # one refresh at a time, whoever notices first
            current = self.tokens.current()
            if current is None:
                self.calls["hmpps-auth"] += 1
                try:
                    current = await self.tokens.fetch(self.client)
                except AuthError as error:
                    raise SourceError(str(error)) from None
            return current

    async def _call(self, source: str, method: str, url: str, allow_404: bool = False, **options) -> Any:
        path = httpx.URL(url).path
        refreshed, attempt = False, 0
        while True:
            token = await self._token()
            await self.cap.wait()
            self.calls[source] += 1
            async with self.slots:
                try:
                    response = await self.client.request(
                        method, url, headers={"Authorization": f"Bearer {token}"}, **options
                    )
                    failure, wait = self._judge(response, attempt, allow_404)
                except httpx.TimeoutException:
                    failure, wait = "timed out", self._backoff(attempt)
                except httpx.TransportError as error:
                    failure, wait = f"connection failed ({type(error).__name__})", self._backoff(attempt)
            if failure is None:
                return self._body(source, path, response, allow_404)
            if failure == "HTTP 401" and not refreshed:
                self.tokens.forget(token)
                refreshed = True
                continue
            if wait is None or attempt >= self.retries:
                self.errors[source] += 1
                raise SourceError(f"{source} {method} {path}: {failure}")
            attempt += 1
            await asyncio.sleep(wait)

    def _judge(self, response: httpx.Response, attempt: int, allow_404: bool) -> tuple[str | None, float | None]:
        """(None, None) for a usable answer, else (what went wrong, seconds before a retry or None)."""
        status = response.status_code
        if status < 300 or (status == 404 and allow_404):
            return None, None
        if status == 401:
            return "HTTP 401", None
        if status == 429:
            return "HTTP 429 too many requests", self._retry_after(response, attempt)
        if status >= 500:
            return f"HTTP {status}", self._backoff(attempt)
        return f"HTTP {status}", None

    def _backoff(self, attempt: int) -> float:
        return self.backoff * (2**attempt) * (0.5 + random.random() / 2)

    def _retry_after(self, response: httpx.Response, attempt: int) -> float:
        try:
            return min(MAX_RETRY_AFTER, max(0.0, float(response.headers.get("Retry-After", ""))))
        except ValueError:
            return self._backoff(attempt)

    def _body(self, source: str, path: str, response: httpx.Response, allow_404: bool) -> Any:
        if response.status_code == 404 and allow_404:
            return NOT_FOUND
        try:
            return response.json()
        except ValueError:
            self.errors[source] += 1
            raise SourceError(f"{source} {path}: the answer is not valid JSON") from None
