"""The signed-in devices page: each session as "Chrome on Windows", where and when, this one marked."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.devices import describe
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# session, user, the person's sessions, then allauth reads each one's session row to drop those that ended
# (three queries a device: allauth's own view; two devices here).
PAGE_QUERIES = 9

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)
EDGE = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0"
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"


@pytest.mark.parametrize(
    ("user_agent", "said"),
    [
        (CHROME_WINDOWS, "Chrome on Windows"),
        (SAFARI_IPHONE, "Safari on iOS"),
        (EDGE, "Edge on macOS"),
        (FIREFOX_ANDROID, "Firefox on Android"),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
        ("X" * 100_000 + " Firefox/1", "Unknown browser"),  # only the first 1,000 characters are read
    ],
)
def test_a_user_agent_is_told_as_browser_on_system(user_agent, said):
    assert describe(user_agent) == said


def test_the_page_lists_each_device_in_words_and_marks_this_one(client, django_assert_num_queries):
    person = UserFactory()
    other = Client(HTTP_USER_AGENT=SAFARI_IPHONE)
    other.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    here = Client(HTTP_USER_AGENT=CHROME_WINDOWS)
    here.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    here.get(reverse("usersessions_list"))
    with django_assert_num_queries(PAGE_QUERIES):
        page = here.get(reverse("usersessions_list")).content.decode()

    assert "Chrome on Windows" in page and "Safari on iOS" in page
    assert page.count("This device") == 1 and "Sign out the other devices" in page
    assert f'title="{SAFARI_IPHONE}"' in page  # the whole string, for whoever wants it
