"""The OpenAPI schema is valid, and it changes only together with its snapshot (docs/openapi.yaml)."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
UPDATE = "python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml"


def _generated(tmp_path) -> str:
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    return out.read_text()


def test_the_schema_is_valid_and_matches_its_snapshot(tmp_path):
    """An endpoint changed without the snapshot: run the command below and commit docs/openapi.yaml."""
    assert _generated(tmp_path) == SNAPSHOT.read_text(), f"The API changed: {UPDATE}"


@pytest.mark.django_db
def test_the_schema_and_the_docs_are_served(client):
    schema = yaml.safe_load(client.get(reverse("api:schema")).content)
    paths = set(schema["paths"])
    assert {
        "/api/v1/mentors/",
        "/api/v1/mentors/{slug}/",
        "/api/v1/mentors/{slug}/availability/",
        "/api/v1/bookings/",
        "/api/v1/bookings/{id}/",
        "/api/v1/bookings/{id}/cancel/",
        "/api/v1/bookings/{id}/reschedule/",
        "/api/v1/notifications/",
        "/api/v1/notifications/read/",
        "/api/v1/me/",
        "/api/v1/topics/",
        "/api/v1/mentors/{slug}/follow/",
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/",
        "/api/v1/articles/{slug}/comments/",
        "/api/v1/articles/{slug}/reaction/",
        "/api/v1/comments/{id}/",
    } <= paths
    assert schema["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"

    page = client.get(reverse("api:docs")).content.decode()
    assert "swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert "<script>" not in page  # the start-up script is a file of its own (the CSP allows no inline script)
    script = client.get(reverse("api:docs") + "?script=")
    assert script["Content-Type"].startswith("application/javascript") and b"SwaggerUIBundle" in script.content


@pytest.mark.django_db
def test_the_schema_says_which_endpoints_are_open_and_the_errors_each_can_give(client):
    schema = yaml.safe_load(client.get(reverse("api:schema")).content)
    paths = schema["paths"]

    def is_open(path, method):
        return {} in paths[path][method]["security"]

    assert is_open("/api/v1/mentors/", "get") and is_open("/api/v1/articles/{slug}/comments/", "get")
    assert not is_open("/api/v1/articles/{slug}/comments/", "post") and not is_open("/api/v1/bookings/", "get")

    booking = paths["/api/v1/bookings/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "409", "429"} <= set(booking)
    assert booking["409"] == {"$ref": "#/components/responses/Refused"}
    assert "401" in paths["/api/v1/mentors/"]["get"]["responses"]  # a bad token is refused even where none is needed
    assert "401" in paths["/api/v1/articles/"]["get"]["responses"]  # mine=true needs one
    assert "404" in paths["/api/v1/mentors/{slug}/"]["get"]["responses"]
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "message"] and "fields" in error["properties"]
