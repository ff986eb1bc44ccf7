"""Create or replace the shipped Prefect automations on the server PREFECT_API_URL points at.

    python automations/apply.py                         # every *.yaml here, actions as shipped
    python automations/apply.py --notify email/mappa-ops  # alert through that notification block

`--notify TYPE/NAME` replaces each automation's actions with a send-notification
to that block (create it first, e.g. an `email` block or a `slack-webhook`).
An automation with the same name is replaced, so running this twice leaves one,
unlike `prefect automation create`.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SUBJECT = "mappa-tracker: {{ automation.name }}"
BODY = (
    "{{ automation.description }}\n\nPrefect automation {{ automation.name }} fired. "
    "Open the Prefect UI: Automations, then the flow runs."
)


async def apply(files: list[Path], notify: str | None) -> None:
    from prefect.client.orchestration import get_client
    from prefect.events.schemas.automations import AutomationCore

    async with get_client() as client:
        block_id = await _block_id(client, notify) if notify else None
        for file in files:
            spec = yaml.safe_load(file.read_text(encoding="utf-8"))
            if block_id:
                spec["actions"] = [
                    {"type": "send-notification", "block_document_id": str(block_id), "subject": SUBJECT, "body": BODY}
                ]
            automation = AutomationCore.model_validate(spec)
            for old in await client.read_automations_by_name(automation.name):
                await client.delete_automation(old.id)
            new_id = await client.create_automation(automation)
            print(f"{automation.name}: {new_id}" + (f" (alerts via {notify})" if notify else ""))


async def _block_id(client, slug: str):
    type_slug, _, name = slug.partition("/")
    if not name:
        raise SystemExit(f"--notify wants BLOCK-TYPE/NAME, e.g. email/mappa-ops, not {slug!r}")
    document = await client.read_block_document_by_name(name=name, block_type_slug=type_slug)
    return document.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="automation files (default: every *.yaml here)")
    parser.add_argument("--notify", metavar="TYPE/NAME", help="notification block to alert through")
    args = parser.parse_args()
    asyncio.run(apply(args.files or sorted(HERE.glob("*.yaml")), args.notify))


if __name__ == "__main__":
    main()
