"""
Articles in the browser: a mentor writes and publishes an article, a follower sees it arrive on the bell
live (daphne: HTTP and WebSockets), and a reader comments on it and likes it.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_a_mentor_publishes_a_follower_is_told_live_and_a_reader_comments_and_likes(new_live_page):
    title = f"Pairing with a senior {uuid.uuid4().hex[:6]}"

    # Anna follows Olena from the mentor page, then keeps a page open.
    follower = new_live_page()
    login(follower, "anna.smith@example.com")
    follower.goto("/mentors/olena-kovalenko/")
    follow = follower.locator("#follow").get_by_role("button", name="Follow")
    if follow.count():
        follow.click()
        expect(follower.locator(".alert-success")).to_contain_text("You follow Olena Kovalenko")
    expect(follower.locator("#follow").get_by_role("button", name="Unfollow")).to_be_visible()
    follower.goto("/bookings/")
    bell = follower.locator("[data-notifications-count]")
    before = bell.inner_text() if bell.is_visible() else "0"

    # Olena writes and publishes.
    mentor = new_live_page()
    login(mentor, "olena.kovalenko@example.com")
    mentor.goto("/articles/mine/")
    mentor.get_by_role("link", name="Write an article").click()
    mentor.fill("#id_title", title)
    mentor.fill("#id_body", "Ask **one** question a day.\n\n<script>alert(1)</script>\n\n[notes](https://example.com)")
    mentor.get_by_label("Programming").check()
    mentor.get_by_label("Publish now").check()
    mentor.get_by_role("button", name="Save").click()
    expect(mentor.locator(".alert-success")).to_contain_text("Your article is published.")
    expect(mentor.get_by_role("heading", level=1)).to_have_text(title)
    body = mentor.locator(".article-body")
    expect(body.locator("strong")).to_have_text("one")
    expect(body).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
    expect(body.get_by_role("link", name="notes")).to_have_attribute("rel", "nofollow noopener")
    article_url = mentor.url

    # The follower's bell counts it without a reload, and the history has it.
    expect(bell).to_be_visible()
    expect(bell).not_to_have_text(before)
    follower.goto("/notifications/")
    expect(follower.locator(".notification-list")).to_contain_text(f"Olena Kovalenko published an article: “{title}”.")

    # Petro reads it, comments and likes it.
    reader = new_live_page()
    login(reader, "petro.savchuk@example.com")
    reader.goto(article_url)
    expect(reader.get_by_role("link", name="Book a session")).to_be_visible()
    reader.fill("#id_body", "Trying this from Monday.")
    reader.get_by_role("button", name="Post comment").click()
    expect(reader.locator(".alert-success")).to_contain_text("Your comment is posted.")
    expect(reader.locator("#comments")).to_contain_text("Trying this from Monday.")
    like = reader.get_by_role("button", name=re.compile("^Like"))
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    like = reader.get_by_role("button", name=re.compile("^Like"))
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_contain_text("1")

    # Olena is told of the comment and its notification leads to it.
    mentor.goto("/notifications/")
    told = mentor.locator(".notification-list").get_by_text(f"Petro Savchuk commented on your article “{title}”.")
    expect(told).to_be_visible()
    told.click()
    expect(mentor).to_have_url(re.compile(r"#comment-\d+$"))
    expect(mentor.locator("#comments")).to_contain_text("Trying this from Monday.")

    # It is in the public list, found by a word of its title.
    reader.goto("/articles/?q=" + title.split()[-1])
    expect(reader.get_by_role("link", name=title)).to_be_visible()
