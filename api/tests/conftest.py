import pytest
from rest_framework.test import APIClient

from api import services


@pytest.fixture
def api():
    return APIClient()


def token_for(user, scope="write"):
    _token, key = services.token_create(user=user, name="Test", scope=scope)
    return key


@pytest.fixture
def as_user(api):
    """``as_user(user, scope)``: the API client, signed with a new personal token of ``user``."""

    def sign(user, scope="write"):
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, scope)}")
        return api

    return sign
