"""axe-core (the npm package pinned in tests/web/package-lock.json) on every page: no serious or critical violations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/",
    "/?state=scheduled&due_within_weeks=104",
    "/?due_within_weeks=lots",  # the filter's error summary
    "/cases/B2345CD",
    "/cases/B2345CD/record",
    "/problems",
    "/reports",
    "/access-log",
    "/cases/C3456DE",  # answers 404 for this user: the not-found page
]


def axe_source() -> str:
    if not AXE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("tests/web/node_modules is missing: run `npm ci` in tests/web")
        pytest.skip("axe-core is not installed: run `npm ci` in tests/web")
    return AXE.read_text(encoding="utf-8")


def serious_violations(page, source: str) -> list[str]:
    # page.evaluate runs through the DevTools protocol, so the page's CSP does not have to allow it
    page.evaluate(source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert result["testEngine"]["name"] == "axe-core" and result["url"] == page.url
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_no_page_has_serious_or_critical_violations(site, sign_in):
    source = axe_source()
    page = sign_in("admin")
    found = {}
    for path in PAGES:
        page.goto(site.url + path)
        if path == "/cases/C3456DE":
            page = sign_in("recorder", path)
        found[path] = serious_violations(page, source)
    page.goto(site.url + "/cases/B2345CD/record")
    page.get_by_role("button", name="Record it").click()  # the form's error summary
    found["record with an error"] = serious_violations(page, source)
    page.get_by_role("button", name="Sign out").click()
    found["signed out"] = serious_violations(page, source)
    assert {path: v for path, v in found.items() if v} == {}
