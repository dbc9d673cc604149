"""A developer makes a personal token, finds the booking flow in /api/docs/ and books through the API."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from e2e.conftest import login, pay, register

pytestmark = pytest.mark.e2e


def test_a_developer_books_a_session_through_the_api_with_a_personal_token(new_page, site):
    page = new_page()
    register(page, first="Dev", last="Eloper")
    page.goto("/accounts/security/")
    page.get_by_role("link", name="API tokens").click()
    page.fill("#id_name", "My booking script")
    page.check("input[name=scope][value=write]")
    page.get_by_role("button", name="Make a token").click()
    # The account was signed in by the confirmation link, which proves the address, not the password:
    # a token outlives the session, so the site asks for the password, then makes the token.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm Access")
    page.fill("input[name=password]", "Un-usual-pass-2026")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".alert-success").first).to_contain_text("Copy it now")
    token = page.locator("#new-token").input_value()
    assert token.startswith("mtp_")

    # The docs: Swagger UI, served from this site, authorised with the token, tries "My profile".
    page.get_by_role("link", name="API documentation").click()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Mentorship API")
    page.locator(".swagger-ui .auth-wrapper .authorize").click()
    bearer = page.locator(".swagger-ui .modal-ux .auth-container", has_text="personalToken")
    bearer.locator("input").fill(token)
    bearer.locator(".auth-btn-wrapper .authorize").click()
    page.locator(".swagger-ui .modal-ux .btn-done").first.click()
    me = page.locator(".opblock-get", has=page.locator("[data-path='/api/v1/me/']")).first
    me.locator(".opblock-summary").click()  # tryItOutEnabled: Execute is there at once
    me.get_by_role("button", name="Execute").click()
    expect(me.locator(".live-responses-table tbody .response-col_status").first).to_contain_text("200")
    expect(me.locator(".highlight-code").first).to_contain_text("eloper")

    # The booking flow, as a script would run it.
    api = page.request
    headers = {"Authorization": f"Bearer {token}"}
    mentors = api.get("/api/v1/mentors/?sort=soonest", headers=headers).json()["results"]
    slug = next(m["slug"] for m in mentors if m["next_free_slot"])
    slots = api.get(f"/api/v1/mentors/{slug}/availability/?days=31&tz=America/New_York", headers=headers).json()
    booked = api.post("/api/v1/bookings/", headers=headers, data={"slot": slots[0]["id"], "note": "From my script"})
    assert booked.status == 201, booked.text()
    hold = booked.json()
    assert hold["status"] == "pending" and hold["checkout_url"]  # the demo mentors are paid

    page.goto(hold["checkout_url"])
    pay(page)
    mine = api.get(f"/api/v1/bookings/{hold['id']}/", headers=headers).json()
    assert mine["status"] == "confirmed" and mine["meeting_url"].startswith("https://")

    # The same request again (a script retrying after a lost answer): the booking it made, not a second.
    again = api.post("/api/v1/bookings/", headers=headers, data={"slot": slots[0]["id"]})
    assert again.status == 200 and again.json()["id"] == hold["id"] and again.json()["status"] == "confirmed"

    # Revoked: the token stops working at once.
    page.goto("/api/tokens/")
    page.get_by_role("button", name="Revoke My booking script").click()
    expect(page.locator(".alert-success").first).to_contain_text("revoked")
    assert api.get("/api/v1/me/", headers=headers).status == 401


def test_a_mentor_writes_an_article_and_sets_its_cover_through_the_api(new_page, site):
    page = new_page()
    login(page, "olena.kovalenko@example.com")
    page.goto("/api/tokens/")
    page.fill("#id_name", "My blog script")
    page.check("input[name=scope][value=write]")
    page.get_by_role("button", name="Make a token").click()
    if page.locator("input[name=password]").count():  # asked again when the sign-in was not just now
        page.fill("input[name=password]", "demo-pass-2026")
        page.get_by_role("button", name="Confirm").click()
    token = page.locator("#new-token").input_value()
    headers = {"Authorization": f"Bearer {token}"}

    api = page.request
    created = api.post("/api/v1/articles/", headers=headers, data={"title": "Covers from a script", "body": "Hi."})
    assert created.status == 201, created.text()
    slug = created.json()["slug"]
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), "teal").save(buffer, "PNG")
    image = {"name": "cover.png", "mimeType": "image/png", "buffer": buffer.getvalue()}
    covered = api.put(f"/api/v1/articles/{slug}/cover/", headers=headers, multipart={"cover": image})
    assert covered.status == 200, covered.text()
    assert covered.json()["cover"].endswith(".jpg")

    page.goto(f"/articles/{slug}/")  # the site shows the cover the script set
    page.get_by_role("link", name="Edit").first.click()
    cover = page.locator("img.article-cover-thumb")
    expect(cover).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", cover.element_handle()) == 1200
    assert api.delete(f"/api/v1/articles/{slug}/", headers=headers).status == 204
