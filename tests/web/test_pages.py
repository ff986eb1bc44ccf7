"""Every "Done when" of the web pages, in a real browser against a real OpenID provider (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from config import runtime
from db.models import MappaInformation, WebAccess
from db.session import session_factory
from tests.support import builders as b
from tests.support.cli import mappa
from tests.web.conftest import IDLE_MINUTES, first_night


def outside_the_browsers_event_loop(function, *args):
    """Playwright's sync API runs an event loop in this thread, and Prefect would then hand back coroutines."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


def access_rows(engine) -> list[tuple]:
    with session_factory(engine)() as session:
        return [(a.actor, a.action, a.prison_number) for a in session.scalars(select(WebAccess).order_by(WebAccess.id))]


def test_health_answers_without_sign_in(site, browser):
    context = browser.new_context()
    answer = context.request.get(site.url + "/health")
    assert answer.status == 200 and answer.json() == {"status": "ok"}
    context.close()


def test_a_viewer_signs_in_and_reads_their_prisons_caseload(site, sign_in):
    page = sign_in("viewer")
    assert page.url == site.url + "/"
    assert page.locator("h1").inner_text() == "Caseload"
    numbers = page.locator("tbody tr td:first-child").all_inner_texts()
    assert numbers == ["B2345CD", "A1234BC"]  # most urgent (soonest planning date) first; Leeds's case not shown
    assert "Signed in as vic.viewer@justice.gov.uk (viewer)" in page.inner_text("body")


def test_a_name_with_a_script_tag_is_shown_as_text(site, sign_in):
    dialogs = []
    page = sign_in("viewer")
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    assert page.get_by_text("<script>alert(1)</script> Tester").count() == 1
    page.get_by_role("link", name="B2345CD").click()
    assert page.locator("h1").inner_text() == "<script>alert(1)</script> Tester"
    assert page.evaluate("document.querySelectorAll('main script').length") == 0
    assert dialogs == []


def test_a_recorder_records_the_answer_and_the_case_leaves_the_chase_the_next_night(site, sign_in, prefect_api):
    page = sign_in("recorder")
    page.get_by_role("link", name="A1234BC").click()
    assert page.url == site.url + "/cases/A1234BC"
    assert "Casey Officer" in page.inner_text("main")
    assert ("rita.recorder@justice.gov.uk", "case-view", "A1234BC") in access_rows(site.engine)
    page.get_by_role("link", name="Record information from the COM").click()
    page.get_by_label("MAPPA category (1 to 4)").fill("2")
    page.get_by_role("button", name="Record it").click()
    assert "Still missing: level." in page.locator("#still-missing").inner_text()
    page.goto(site.url + "/cases/A1234BC/record")
    page.get_by_label("MAPPA level", exact=False).fill("1")
    page.get_by_role("button", name="Record it").click()
    assert "complete" in page.locator("#still-missing").inner_text()
    with session_factory(site.engine)() as session:
        info = session.get(MappaInformation, "A1234BC")
        assert (info.category, info.level, info.recorded_by) == (2, 1, "rita.recorder@justice.gov.uk")
    case = json.loads(mappa("case", "A1234BC", "--format", "json").output)
    assert [e["actor"] for e in case["history"] if e["kind"] == "receipt-recorded"] == [
        "rita.recorder@justice.gov.uk"
    ] * 2
    tomorrow = (runtime.london_today() + timedelta(days=1)).isoformat()
    assert outside_the_browsers_event_loop(mappa, "check", "--as-of", tomorrow).exit_code == 0
    status = {r["prison_number"]: r["state"] for r in json.loads(mappa("status", "--format", "json").output)}
    assert status["A1234BC"] == "complete"
    page.goto(site.url + "/")
    assert page.locator("tbody tr td:first-child").all_inner_texts() == ["B2345CD"]


def test_the_record_form_refuses_bad_input_with_the_reason(site, sign_in):
    page = sign_in("recorder", "/cases/A1234BC/record")
    page.get_by_label("MAPPA category (1 to 4)").fill("7")
    page.get_by_role("button", name="Record it").click()
    assert "category must be a number from 1 to 4" in page.locator("#record-error").inner_text()
    assert page.get_by_label("MAPPA category (1 to 4)").input_value() == "7"  # what was typed is kept
    page.get_by_label("MAPPA category (1 to 4)").fill("")
    page.get_by_role("button", name="Record it").click()
    assert "nothing to record" in page.locator("#record-error").inner_text()


def test_a_viewer_cannot_record(site, sign_in):
    page = sign_in("viewer", "/cases/A1234BC")
    assert page.get_by_role("link", name="Record information from the COM").count() == 0
    answer = page.goto(site.url + "/cases/A1234BC/record")
    assert answer.status == 403
    token = page.context.cookies()  # even a hand-made POST is refused on the role, before any form is read
    assert token
    posted = page.context.request.post(site.url + "/cases/A1234BC/record", form={"category": "2"})
    assert posted.status == 403
    with session_factory(site.engine)() as session:
        assert session.get(MappaInformation, "A1234BC") is None


def test_another_prisons_case_is_404_like_one_that_does_not_exist(site, sign_in):
    page = sign_in("recorder", "/cases/C3456DE")
    assert page.url == site.url + "/cases/C3456DE"
    other = page.goto(site.url + "/cases/C3456DE")
    missing = page.goto(site.url + "/cases/Z9999ZZ")
    assert other.status == missing.status == 404
    assert page.goto(site.url + "/cases/C3456DE/record").status == 404
    assert "Leo" not in page.inner_text("body")
    assert all(row[2] != "C3456DE" for row in access_rows(site.engine))


def test_a_group_member_gets_the_groups_access_and_someone_not_listed_gets_403(site, sign_in):
    page = sign_in("grouped")
    assert page.locator("tbody tr td:first-child").all_inner_texts() == ["B2345CD", "A1234BC"]
    stranger = sign_in("stranger")
    assert "You cannot do this" in stranger.locator("h1").inner_text()
    assert stranger.goto(site.url + "/").url.startswith(site.issuer)  # no session was made


def test_an_expired_session_goes_back_to_sign_in(site, sign_in):
    page = sign_in("viewer")
    site.clock.offset = IDLE_MINUTES * 60 + 5
    page.goto(site.url + "/cases/A1234BC")
    assert page.url.startswith(site.issuer)
    page.locator('button[name="sub"][value="vic.viewer@justice.gov.uk"]').click()
    assert page.url == site.url + "/cases/A1234BC"  # back where they were going


def test_a_form_without_its_csrf_token_is_refused(site, sign_in):
    page = sign_in("recorder", "/cases/A1234BC/record")
    page.evaluate("document.querySelector('main input[name=csrf_token]').remove()")
    page.get_by_label("MAPPA category (1 to 4)").fill("2")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Record it").click()
    assert posted.value.status == 403
    page.goto(site.url + "/cases/A1234BC/record")
    page.evaluate("document.querySelector('main input[name=csrf_token]').value = 'forged'")
    page.get_by_label("MAPPA category (1 to 4)").fill("2")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Record it").click()
    assert posted.value.status == 403
    with session_factory(site.engine)() as session:
        assert session.get(MappaInformation, "A1234BC") is None


def test_headers_csp_and_session_cookie(site, sign_in):
    page = sign_in("viewer")
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    answer = page.goto(site.url + "/")
    headers = answer.headers
    assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "same-origin"
    assert "script-src 'self' 'nonce-" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert "js-enabled" in page.evaluate("document.body.className")  # GOV.UK Frontend's inline script ran, by nonce
    assert violations == []
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "mappa_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]  # loopback: not Secure


def test_sign_out_ends_the_session(site, sign_in):
    page = sign_in("viewer")
    page.get_by_role("button", name="Sign out").click()
    assert page.locator("h1").inner_text() == "You have signed out"
    page.goto(site.url + "/")
    assert page.url.startswith(site.issuer)


def test_the_csv_download_has_the_rows_and_is_logged(site, sign_in):
    page = sign_in("viewer", "/?due_within_weeks=104")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert text[0].startswith("prison_number,name,establishment_code,state")
    assert [line.split(",")[0] for line in text[1:]] == ["B2345CD", "A1234BC"]
    assert ("vic.viewer@justice.gov.uk", "caseload-download", None) in access_rows(site.engine)
    admin = sign_in("admin")
    answer = admin.context.request.get(site.url + "/?format=csv")
    assert answer.headers.get("transfer-encoding") == "chunked" and "content-length" not in answer.headers  # streamed
    lines = answer.text().splitlines()
    assert lines[0] == "prison_number,name,establishment_code,state,planning_date,next_step,next_step_date"
    assert [line.split(",")[0] for line in lines[1:]] == ["C3456DE", "B2345CD", "A1234BC"]  # Leeds's case too
    with session_factory(site.engine)() as session:
        logged = session.scalars(select(WebAccess.detail).where(WebAccess.action == "caseload-download")).all()
    assert logged == [{"rows": 2, "state": None}, {"rows": 3, "state": None}]


def test_problems_and_the_access_log(site, sign_in):
    page = sign_in("viewer", "/problems")
    assert page.locator("h1").inner_text() == "Data problems"
    assert page.goto(site.url + "/access-log").status == 403
    admin = sign_in("admin", "/cases/C3456DE")
    admin.goto(site.url + "/access-log")
    assert "ada.admin@justice.gov.uk" in admin.locator("tbody").inner_text()


def test_the_problems_show_50_to_a_page_oldest_first(site, sign_in):
    for n in range(55):
        b.prisoner(site.engine, f"E{n:04d}FG", crd=date(2027, 10, 1), spo=None)  # no SPO: a problem each
    for n in range(5):
        b.prisoner(site.engine, f"L{n:04d}FG", crd=date(2027, 10, 1), spo=None, establishment="LEI")
    first_night(site.engine)
    page = sign_in("viewer", "/problems")
    assert "55 open, oldest first" in page.inner_text("main")
    assert page.locator("tbody tr").count() == 50 and "Page 1 of 2" in page.inner_text("main")
    page.get_by_role("link", name="Next").click()
    assert page.url == site.url + "/problems?page=2"
    assert page.locator("tbody tr td:nth-child(3)").all_inner_texts() == [f"E{n:04d}FG" for n in range(50, 55)]
    page.get_by_role("link", name="Previous").click()
    assert page.locator("tbody tr td:nth-child(3)").all_inner_texts()[0] == "E0000FG"
    page.goto(site.url + "/problems?page=9")  # past the end: the last page
    assert page.locator("tbody tr").count() == 5 and "Page 2 of 2" in page.inner_text("main")
    assert "L0000FG" not in page.inner_text("main")  # Leeds's problems are not this viewer's
    everywhere = sign_in("admin", "/problems?page=2")
    assert "60 open" in everywhere.inner_text("main") and "L0004FG" in everywhere.inner_text("main")


def test_the_caseload_shows_50_to_a_page_and_filters_by_state(site, sign_in):
    for n in range(55):
        b.prisoner(site.engine, f"D{n:04d}EF", crd=date(2027, 10, 1) + timedelta(days=n))
    first_night(site.engine)
    page = sign_in("viewer")
    assert "57 open cases" in page.inner_text("main")
    assert page.locator("tbody tr").count() == 50
    page.get_by_role("link", name="Next").click()
    assert page.locator("tbody tr td:first-child").all_inner_texts()[-1] == "D0054EF"
    assert page.locator("tbody tr").count() == 7
    page.goto(site.url + "/?state=overdue")
    assert page.locator("tbody tr").count() == 0
    page.goto(site.url + "/?due_within_weeks=lots")
    assert "Weeks must be a whole number from 0 to 104" in page.inner_text("main")


def test_the_compliance_report_shows_its_charts_for_the_users_prisons_and_logs_downloads(site, sign_in, engine):
    page = sign_in("viewer")
    page.get_by_role("link", name="Compliance report").click()
    assert page.locator("h1").inner_text() == "MAPPA information before release"
    images = page.locator("img.mappa-chart")
    assert images.count() == 3
    assert page.evaluate(
        "[...document.querySelectorAll('img.mappa-chart')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert all(images.nth(i).get_attribute("alt") for i in range(3))
    body = page.inner_text("body")
    assert "On-time rate" in body and "Cases due" in body
    assert "C3456DE" not in body and "Leo Leeds" not in body  # another prison's case, even in the at-risk list

    answer = page.context.request.get(site.url + "/reports?format=pdf")
    assert answer.status == 200 and answer.body().startswith(b"%PDF")
    assert answer.headers["content-disposition"].startswith("attachment")
    bad = page.context.request.get(site.url + "/reports?from=2026-01-01&to=2099-01-01")
    assert bad.status == 200 and "cannot end after today" in bad.text()
    assert ("vic.viewer@justice.gov.uk", "report-download-pdf", None) in access_rows(engine)
