"""A fake GOV.UK Notify API on 127.0.0.1, for the notify transport's tests.

Real HTTP (http.server in a thread). Every request's `Authorization: Bearer <JWT>` is checked
as Notify checks it: HS256, signed with the key's secret, `iss` the service id, `iat` recent; a
bad token gets 403. It records every payload, keeps the notifications it accepted (found again
by id or `reference`), and can be scripted to answer the next sends with 400, 403, 429 or 500
(or a timeout), and to move any notification to any status.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"mappa_test-{SERVICE_ID}-{SECRET}"
TRIAL_MESSAGE = "Can't send to this recipient using a team-only API key"
ANSWERS = {
    400: {"error": "BadRequestError", "message": "email_address Not a valid email address"},
    403: {"error": "AuthError", "message": "Invalid token: API key not found"},
    429: {
        "error": "RateLimitError",
        "message": "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    },
    500: {"error": "Exception", "message": "Internal server error"},
}


@dataclass
class Notify:
    service_id: str = SERVICE_ID
    secret: str = SECRET
    payloads: list[dict[str, Any]] = field(default_factory=list)  # every POST body, accepted or not
    notifications: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> the stored notification
    script: list[Any] = field(default_factory=list)  # answers to the next sends: 400, 403, 429, 500, "trial", "timeout"
    tokens: list[str] = field(default_factory=list)  # every Authorization header seen
    lookups: list[dict[str, list[str]]] = field(default_factory=list)  # query strings of GET /v2/notifications
    timeout_sleep: float = 2.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set_status(self, notification_id: str, status: str) -> None:
        with self.lock:
            self.notifications[notification_id]["status"] = status

    def by_recipient(self, address: str) -> list[dict[str, Any]]:
        return [n for n in self.notifications.values() if n["email_address"].lower() == address.lower()]

    def authorised(self, header: str | None) -> bool:
        if not header or not header.startswith("Bearer "):
            return False
        token = header.removeprefix("Bearer ")
        self.tokens.append(header)
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"require": ["iss", "iat"]})
        except jwt.PyJWTError:
            return False
        return claims.get("iss") == self.service_id and abs(time.time() - claims["iat"]) < 30

    def send(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.payloads.append(body)
            answer = self.script.pop(0) if self.script else None
        if answer == "timeout":
            time.sleep(self.timeout_sleep)
            answer = 500
        if answer == "trial":
            return 400, {"status_code": 400, "errors": [{"error": "BadRequestError", "message": TRIAL_MESSAGE}]}
        if answer is not None:
            return answer, {"status_code": answer, "errors": [ANSWERS[answer]]}
        notification = {
            "id": str(uuid.uuid4()),
            "reference": body.get("reference"),
            "email_address": body["email_address"],
            "type": "email",
            "status": "sending",
            "template": {"id": body["template_id"], "version": 1, "uri": ""},
            "personalisation": body.get("personalisation") or {},
            "email_reply_to_id": body.get("email_reply_to_id"),
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        with self.lock:
            self.notifications[notification["id"]] = notification
        content = notification["personalisation"]
        return 201, {
            "id": notification["id"],
            "reference": notification["reference"],
            "content": {"subject": content.get("subject"), "body": content.get("body"), "from_email": "x@notify"},
            "uri": f"/v2/notifications/{notification['id']}",
            "template": notification["template"],
        }

    def listing(self, query: dict[str, list[str]]) -> dict[str, Any]:
        self.lookups.append(query)
        found = list(reversed(self.notifications.values()))  # newest first, as Notify answers
        if "reference" in query:
            found = [n for n in found if n["reference"] == query["reference"][0]]
        if "status" in query:
            found = [n for n in found if n["status"] in query["status"]]
        if "older_than" in query:
            ids = [n["id"] for n in found]
            older = query["older_than"][0]
            found = found[ids.index(older) + 1 :] if older in ids else []
        page = found[:250]
        links: dict[str, str] = {"current": "/v2/notifications"}
        if page:  # as Notify does: a next link after every non-empty page, until a page comes back empty
            links["next"] = f"/v2/notifications?older_than={page[-1]['id']}"
        return {"notifications": [self._public(n) for n in page], "links": links}

    @staticmethod
    def _public(notification: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in notification.items() if k != "personalisation"}


def _handler(notify: Notify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _answer(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _refused(self) -> bool:
            if notify.authorised(self.headers.get("Authorization")):
                return False
            self._answer(403, {"status_code": 403, "errors": [{"error": "AuthError", "message": "Invalid token"}]})
            return True

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self._refused():
                return
            if urlsplit(self.path).path != "/v2/notifications/email":
                self._answer(404, {"status_code": 404, "errors": [{"error": "NotFound", "message": "no such path"}]})
                return
            try:
                self._answer(*notify.send(body))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and went away

        def do_GET(self) -> None:  # noqa: N802
            if self._refused():
                return
            parts = urlsplit(self.path)
            if parts.path == "/v2/notifications":
                self._answer(200, notify.listing(parse_qs(parts.query)))
            elif parts.path.startswith("/v2/notifications/"):
                found = notify.notifications.get(parts.path.rsplit("/", 1)[1])
                self._answer(200, notify._public(found)) if found else self._answer(404, {"errors": []})
            else:
                self._answer(404, {"errors": []})

    return Handler


class NotifyServer:
    """`with NotifyServer() as server:` a running fake on `server.url`; `server.notify` is its state."""

    def __init__(self, notify: Notify | None = None):
        self.notify = notify or Notify()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.notify))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> NotifyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
