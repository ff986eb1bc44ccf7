"""Files through GOV.UK Notify: it sends no attachments, so a PDF goes as its file-sharing link."""

from __future__ import annotations

import io
from email.message import EmailMessage

from notifications_python_client.utils import prepare_upload

from notifications.notify_errors import NotifyConfigurationError


def attached_pdf(message: EmailMessage) -> tuple[str, bytes] | None:
    for part in message.iter_attachments():
        if part.get_content_type() == "application/pdf":
            return part.get_filename() or "report.pdf", part.get_content()
    return None


def file_link(pdf: tuple[str, bytes], step: str | None, own_template: str | None) -> dict:
    """Notify sends no attachments: a PDF goes as its file-sharing link, which only a template with a
    ((link_to_file)) placeholder shows; the generic one has none, so such an e-mail needs its own."""
    if own_template is None:
        raise NotifyConfigurationError(
            f"a {step} e-mail carries a PDF, which Notify sends as a link: set [notify] template_ids "
            f'"{step}" in the policy to a template with ((subject)), ((body)) and ((link_to_file))',
            stage="configuration",
        )
    name, content = pdf
    return prepare_upload(
        io.BytesIO(content), filename=name, confirm_email_before_download=True, retention_period="26 weeks"
    )
