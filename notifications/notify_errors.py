"""GOV.UK Notify's error answers, sorted into what the outbox does about them."""

from __future__ import annotations

from notifications_python_client.errors import APIError

from notifications.failures import DeliveryError, PermanentDeliveryError, TransientDeliveryError

TRIAL_WORDS = ("team-only", "trial mode", "team only", "guest list")


class NotifyConfigurationError(PermanentDeliveryError):
    """Notify will refuse every e-mail until someone changes a setting: nothing is the deliveries' fault."""


def sort_error(error: APIError) -> DeliveryError:
    """400: this e-mail, for good; 403 or a trial key: configuration; 429: a limit; else Notify is unwell."""
    code, text = error.status_code, message_of(error)
    if code == 403:
        why = "Notify refused the API key (403): set MAPPA_NOTIFY_API_KEY to a live key of the service"
        return NotifyConfigurationError(why, code=code, text=text, stage="configuration")
    if code == 400 and any(word in text.lower() for word in TRIAL_WORDS):
        why = "Notify's key is team-only or trial: use a live key, or add the recipients to the team"
        return NotifyConfigurationError(why, code=code, text=text, stage="configuration")
    if code == 400:
        return PermanentDeliveryError("Notify refused the e-mail", code=code, text=text, stage="recipient")
    if code == 429:
        return TransientDeliveryError("Notify's rate or daily limit", code=code, text=text, stage="limit")
    return TransientDeliveryError("Notify unavailable or timed out", code=code, text=text, stage="connect")


def message_of(error: APIError) -> str:
    message = error.message
    if isinstance(message, list):
        return "; ".join(str(m.get("message", m)) if isinstance(m, dict) else str(m) for m in message)
    return str(message)
