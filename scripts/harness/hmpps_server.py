"""A contract server for HMPPS Auth, Prisoner Search and the probation integration API, on 127.0.0.1.

Real HTTP (http.server in a thread), serving the published shapes from a `World` the test
fills in, with switches for the faults a night can meet: a capped page size, tokens that
stop working after some calls, scripted answers per path (503, 429 with Retry-After, a
timeout, malformed JSON), a whole prison failing, and a delay on every answer (benchmarks).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class World:
    client_id: str = "mappa-tracker"
    client_secret: str = "s3cret-never-shown"
    prisons: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # Prisoner Search documents by prison
    elsewhere: dict[str, dict[str, Any]] = field(default_factory=dict)  # released/moved: found by number only
    case_records: dict[str, dict[str, Any]] = field(default_factory=dict)  # by prison number
    registrations: dict[str, dict[str, Any]] = field(default_factory=dict)  # by CRN
    page_cap: int | None = None  # the server gives at most this many per page, whatever was asked
    expires_in: int = 1200
    token_uses: int | None = None  # the first token stops working (401) after this many calls: it expired
    script: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # path -> answers to give first
    failing_prisons: set[str] = field(default_factory=set)  # always 500
    delay: float = 0.0
    timeout_sleep: float = 3.0

    def prisoner(self, number: str) -> dict[str, Any] | None:
        for people in self.prisons.values():
            for person in people:
                if person["prisonerNumber"] == number:
                    return person
        return self.elsewhere.get(number)

    def move(self, number: str, to: str | None, **changes: Any) -> None:
        """Take the person out of their prison's list; into `to`'s, or (to=None) found by number only."""
        person = self.prisoner(number)
        for people in self.prisons.values():
            people[:] = [p for p in people if p["prisonerNumber"] != number]
        self.elsewhere.pop(number, None)
        person = dict(person, **changes)
        if to is None:
            self.elsewhere[number] = person
        else:
            person["prisonId"] = to
            self.prisons.setdefault(to, []).append(person)


class ContractServer:
    def __init__(self, world: World | None = None):
        self.world = world or World()
        self.calls: Counter[str] = Counter()
        self.tokens: dict[str, int] = {}
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def settings_env(self) -> dict[str, str]:
        return {
            "MAPPA_HMPPS_AUTH_URL": f"{self.base}/auth",
            "MAPPA_PRISONER_SEARCH_URL": f"{self.base}/search",
            "MAPPA_PROBATION_API_URL": f"{self.base}/probation",
            "MAPPA_HMPPS_CLIENT_ID": self.world.client_id,
            "MAPPA_HMPPS_CLIENT_SECRET": self.world.client_secret,
        }

    def __enter__(self) -> ContractServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def scripted(self, path: str) -> str | None:
        with self.lock:
            answers = self.world.script.get(path)
            return answers.pop(0) if answers else None

    def token_ok(self, header: str | None) -> bool:
        if not header or not header.startswith("Bearer "):
            return False
        token = header.removeprefix("Bearer ")
        with self.lock:
            if token not in self.tokens:
                return False
            self.tokens[token] += 1
            uses = self.world.token_uses
            return uses is None or token != "token-1" or self.tokens[token] <= uses

    def issue(self) -> str:
        with self.lock:
            token = f"token-{len(self.tokens) + 1}"
            self.tokens[token] = 0
            return token


PRISON = re.compile(r"^/search/prisoner-search/prison/([A-Z]{3})$")
CASE = re.compile(r"^/probation/case-records/([A-Z0-9]+)$")
MAPPA = re.compile(r"^/probation/case-records/([A-Z0-9]+)/risks/mappa$")


def _handler(server: ContractServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            self._serve("POST")

        def do_GET(self) -> None:
            self._serve("GET")

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            world = server.world
            if world.delay:
                time.sleep(world.delay)
            if url.path == "/auth/oauth/token":
                return self._token(url)
            server.calls[_kind(url.path)] += 1
            if not server.token_ok(self.headers.get("Authorization")):
                return self._send(401, {"status": 401, "userMessage": "Unauthorised"})
            scripted = server.scripted(url.path)
            if scripted is not None and scripted != "ok":
                return self._fault(scripted)
            if method == "GET" and (match := PRISON.match(url.path)):
                return self._prison(match.group(1), parse_qs(url.query))
            if method == "POST" and url.path == "/search/prisoner-search/prisoner-numbers":
                numbers = json.loads(body or b"{}").get("prisonerNumbers", [])
                if len(numbers) > 1000:
                    return self._send(400, {"status": 400, "userMessage": "at most 1000"})
                return self._send(200, [p for n in numbers if (p := world.prisoner(n)) is not None])
            if method == "GET" and (match := MAPPA.match(url.path)):
                found = world.registrations.get(match.group(1))
                return self._send(200, found) if found else self._send(404, {"status": 404})
            if method == "GET" and (match := CASE.match(url.path)):
                found = world.case_records.get(match.group(1))
                return self._send(200, found) if found else self._send(404, {"status": 404})
            return self._send(404, {"status": 404})

        def _token(self, url) -> None:
            world = server.world
            expected = base64.b64encode(f"{world.client_id}:{world.client_secret}".encode()).decode()
            if parse_qs(url.query).get("grant_type") != ["client_credentials"]:
                return self._send(400, {"error": "unsupported_grant_type"})
            if self.headers.get("Authorization") != f"Basic {expected}":
                return self._send(401, {"error": "invalid_client"})
            server.calls["token"] += 1
            token = server.issue()
            return self._send(200, {"access_token": token, "token_type": "bearer", "expires_in": world.expires_in})

        def _prison(self, code: str, query: dict) -> None:
            world = server.world
            if code in world.failing_prisons:
                return self._send(500, {"status": 500})
            people = world.prisons.get(code, [])
            page, size = int(query.get("page", ["0"])[0]), int(query.get("size", ["10"])[0])
            size = min(size, world.page_cap) if world.page_cap else size
            total_pages = max(1, -(-len(people) // size))
            content = people[page * size : (page + 1) * size]
            last = page + 1 >= total_pages
            payload = {
                "content": content,
                "last": last,
                "totalPages": total_pages,
                "totalElements": len(people),
                "number": page,
                "size": size,
                "first": page == 0,
                "pageable": {"pageNumber": page},
            }
            return self._send(200, payload)

        def _fault(self, fault: str) -> None:
            if fault == "timeout":
                time.sleep(server.world.timeout_sleep)
                return self._send(200, {})
            if fault == "malformed":
                return self._raw(200, b'{"content": [ {"prisonerNumber": ')
            if fault.startswith("429"):
                _, _, wait = fault.partition(":")
                return self._send(429, {"status": 429}, {"Retry-After": wait or "1"})
            return self._send(int(fault), {"status": int(fault)})

        def _send(self, status: int, payload: Any, headers: dict | None = None) -> None:
            self._raw(status, json.dumps(payload).encode(), headers)

        def _raw(self, status: int, data: bytes, headers: dict | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


def _kind(path: str) -> str:
    if path.startswith("/search/prisoner-search/prison/"):
        return "prison"
    if path.endswith("/prisoner-numbers"):
        return "prisoner-numbers"
    if path.endswith("/risks/mappa"):
        return "mappa"
    if path.startswith("/probation/case-records/"):
        return "case-record"
    return "other"
