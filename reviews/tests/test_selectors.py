import pytest
from django.urls import reverse

from reviews import selectors
from reviews.tests.factories import NOW, ReviewFactory

pytestmark = pytest.mark.django_db


def test_the_platform_average_counts_visible_reviews_only():
    assert selectors.platform_rating() == {"average": None, "count": 0}
    for rating in (5, 4, 4):
        ReviewFactory(rating=rating)
    ReviewFactory(rating=1, is_hidden=True, hidden_reason="Spam", hidden_at=NOW)
    assert selectors.platform_rating() == {"average": 4.33, "count": 3}  # (5 + 4 + 4) / 3: not the hidden 1


def test_the_dashboard_shows_the_average_rating(client, staff):
    ReviewFactory(rating=4)
    client.force_login(staff)
    page = client.get(reverse("dashboard:stats")).content.decode()
    assert "Average rating" in page and "from 1 review" in page
