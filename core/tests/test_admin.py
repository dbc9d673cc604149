"""Every list in Django admin opens, searches and filters without an error, ours and the libraries'."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.tests.factories import staff_member

pytestmark = pytest.mark.django_db


def test_every_admin_list_opens_and_searches(client):
    client.force_login(staff_member("Admin", is_superuser=True))
    failures = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        queries = [{}] + ([{"q": "anna <b>'\""}] if model_admin.search_fields else [])
        for query in queries:
            status = client.get(url, query).status_code
            if status != 200:
                failures.append((url, query, status))
    assert failures == []
