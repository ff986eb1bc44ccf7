"""GOV.UK Notify as a transport: one generic template, each e-mail's subject and body as personalisation.

Notify's answers, sorted for the outbox: 400 fails that e-mail for good with Notify's message; 403,
or a 400 saying a team-only or trial key cannot send to this recipient, is configuration (stop the
run's sending, blame no delivery); 429 is a rate or daily limit and 5xx or a timeout is Notify being
unwell (both: back off, leave the rest pending). The API key is read when the batch opens and only
the client holds it; no error text or log line carries it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from email.message import EmailMessage

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from notifications.failures import DeliveryError
from notifications.notify_errors import NotifyConfigurationError, sort_error
from notifications.notify_files import attached_pdf, file_link
from notifications.notify_format import body_of

log = logging.getLogger(__name__)
FINAL = frozenset({"delivered", "permanent-failure", "temporary-failure", "technical-failure"})
# Set by the mailer on messages for Notify only (Notify sends no headers of ours): what to send it as.
REFERENCE_HEADER = "X-MAPPA-Reference"
ESTABLISHMENT_HEADER = "X-MAPPA-Establishment"
STEP_HEADER = "X-MAPPA-Step"


class NotifyTransport:
    notify = True  # the mailer renders Notify bodies and references for it

    def __init__(
        self,
        api_key: Callable[[], str | None],
        template_id: str,
        *,
        base_url: str = "https://api.notifications.service.gov.uk",
        timeout: float = 30.0,
        max_per_minute: int = 2400,
        reply_to_id: Callable[[str | None], str | None] = lambda code: None,
        template_for: Callable[[str | None, str | None], str | None] = lambda code, step: None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.template_id, self.base_url, self.timeout = template_id, base_url, timeout
        self._key, self._reply_to_id, self._template_for = api_key, reply_to_id, template_for
        self._interval = 60.0 / max_per_minute
        self._sleep, self._clock, self._last = sleep, clock, -1e9
        self._client: NotificationsAPIClient | None = None
        self._broken: NotifyConfigurationError | None = None
        self.sent_ids: dict[str, str] = {}  # reference -> Notify's notification id

    def __repr__(self) -> str:
        return f"NotifyTransport(base_url={self.base_url!r}, template_id={self.template_id!r})"

    def __enter__(self) -> NotifyTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._client = None

    def client(self) -> NotificationsAPIClient:
        if self._client is None:
            key = self._key() or ""
            if len(key) < 74:
                raise NotifyConfigurationError(
                    "the Notify API key is malformed: set MAPPA_NOTIFY_API_KEY to the whole key Notify showed",
                    stage="configuration",
                )
            self._client = NotificationsAPIClient(key, base_url=self.base_url, timeout=self.timeout)
        return self._client

    def send(self, message: EmailMessage) -> str:
        """Send one e-mail; Notify's notification id (also kept in `sent_ids` by reference)."""
        if self._broken is not None:
            raise self._broken
        body, reference = body_of(message), message[REFERENCE_HEADER]
        if body is None or not reference:
            raise ValueError("a Notify e-mail needs its Notify body and reference (render it with notify=True)")
        code, step = message[ESTABLISHMENT_HEADER], message[STEP_HEADER]
        own_template = self._template_for(code, step)
        personalisation = {"subject": message["Subject"], "body": body, "notices": message["X-MAPPA-Notices"] or ""}
        if (pdf := attached_pdf(message)) is not None:
            personalisation["link_to_file"] = file_link(pdf, step, own_template)
        template_id = own_template or self.template_id
        self._throttle()
        try:
            answer = self.client().send_email_notification(
                email_address=message["To"],
                template_id=template_id,
                personalisation=personalisation,
                reference=reference,
                email_reply_to_id=self._reply_to_id(code) or None,
            )
        except APIError as error:
            raise self._sorted(error, "send") from None
        self.sent_ids[reference] = answer["id"]
        return answer["id"]

    def lookup(self, reference: str) -> str | None:
        """The id of a notification sent earlier with this reference, if Notify has one."""
        try:
            found = self.client().get_all_notifications(reference=reference).get("notifications") or []
        except APIError as error:
            raise self._sorted(error, "lookup") from None
        return found[0]["id"] if found else None

    def notifications_since(self, since: datetime) -> Iterator[dict]:
        """Every e-mail notification created since `since`, newest first (Notify keeps 7 days)."""
        try:
            for notification in self.client().get_all_notifications_iterator(template_type="email"):
                created = datetime.fromisoformat(notification["created_at"].replace("Z", "+00:00"))
                if created < since:
                    return
                yield notification
        except APIError as error:
            raise self._sorted(error, "status") from None

    def _throttle(self) -> None:
        """Stay under Notify's 3,000 a minute: at least 60/max_per_minute seconds between sends."""
        wait = self._last + self._interval - self._clock()
        if wait > 0:
            self._sleep(wait)
        self._last = self._clock()

    def _sorted(self, error: APIError, stage: str) -> DeliveryError:
        sorted_error = sort_error(error)
        if isinstance(sorted_error, NotifyConfigurationError):
            self._broken = sorted_error  # every later e-mail would be refused the same way
            log.error("%s", sorted_error.summary)
        return sorted_error


def final(status: str | None) -> bool:
    return status in FINAL
