"""The template context for one envelope: every fact worked out here, templates only lay it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from notifications import steps, wording
from notifications.model import CaseItem, Envelope


@dataclass(frozen=True)
class CaseView:
    prison_number: str
    name: str
    establishment: str
    step: str
    step_label: str
    planning_date: date | None
    release_note: str
    missing: tuple[str, ...]
    sent_before: tuple[tuple[str, date], ...]  # (label, night)
    next_text: str
    substitutes: tuple[str, ...]
    allocate_com: bool


def case_view(item: CaseItem) -> CaseView:
    return CaseView(
        prison_number=wording.one_line(item.prison_number),
        name=wording.person_name(item.first_name, item.last_name),
        establishment=wording.establishment(item.establishment_code, item.establishment_name),
        step=item.step,
        step_label=steps.label(item.step, allocate_com=item.allocate_com),
        planning_date=item.planning_date,
        release_note=wording.release_note(item.key_date, item.key_date_source, item.planning_date),
        missing=tuple(wording.missing_labels(item.missing)),
        sent_before=tuple((steps.label(step), night) for step, night in sorted(item.sent_before, key=lambda s: s[1])),
        next_text=wording.next_text(
            item.step, steps.label(item.next_step) if item.next_step else None, item.next_step_date
        ),
        substitutes=tuple(wording.one_line(note) for note in item.substitutes),
        allocate_com=item.allocate_com,
    )


def distinct_items(envelope: Envelope, role: str) -> list[CaseItem]:
    """One entry per notice: a notice for action is not repeated among the copies."""
    for_action = {d.item.notice_key for d in envelope.deliveries if d.item.role == "to"}
    seen: set[str] = set()
    items = []
    for delivery in envelope.deliveries:
        item = delivery.item
        copied_elsewhere = role == "cc" and item.notice_key in for_action
        if item.role == role and item.notice_key not in seen and not copied_elsewhere:
            seen.add(item.notice_key)
            items.append(item)
    return items


def lead_item(envelope: Envelope) -> tuple[CaseItem, bool]:
    """The most senior notice for action, else the most senior copy; and whether it is only a copy."""
    for_action = [d.item for d in envelope.deliveries if d.item.role == "to"]
    candidates = for_action or [d.item for d in envelope.deliveries]
    return min(candidates, key=lambda item: (steps.urgency(item.step), not item.allocate_com)), not for_action


def subject_cases(items: list[CaseItem]) -> str:
    """ "A1234BC, release 13/10/2027" or "3 cases, HMP Durham (DMI), earliest release 13/10/2027"; never a name."""
    numbers = sorted({wording.one_line(item.prison_number) for item in items})
    dates = [item.planning_date for item in items if item.planning_date]
    earliest = wording.uk_date(min(dates)) if dates else "not known"
    if len(numbers) == 1:
        return f"{numbers[0]}, release {earliest}"
    places = sorted({wording.establishment(i.establishment_code, i.establishment_name) for i in items})
    where = places[0] if len(places) == 1 else f"{len(places)} establishments"
    return f"{len(numbers)} cases, {where}, earliest release {earliest}"


def message_context(envelope: Envelope) -> dict:
    for delivery in envelope.deliveries:
        if delivery.item.role not in ("to", "cc"):
            raise ValueError(f"unknown role {delivery.item.role!r} for {delivery.item.notice_key}")
    lead, for_information = lead_item(envelope)
    action, copied = distinct_items(envelope, "to"), distinct_items(envelope, "cc")
    return {
        "step": lead.step,
        "folder": steps.template_folder(lead.step, allocate_com=lead.allocate_com),
        "step_label": steps.label(lead.step, allocate_com=lead.allocate_com),
        "for_information": for_information,
        "reply_to": envelope.reply_to,
        "establishment": wording.establishment(lead.establishment_code, lead.establishment_name),
        "action_cases": [case_view(item) for item in action],
        "copied_cases": [case_view(item) for item in copied],
        "subject_cases": subject_cases(action + copied),
    }
