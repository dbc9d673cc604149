import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import MentorProfile, User
from accounts.tests.factories import PASSWORD, MentorFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def _registration(**overrides):
    data = {
        "role": "mentee",
        "first_name": "Ivan",
        "last_name": "Petrenko",
        "email": "Ivan@Example.com",
        "timezone": "Europe/Kyiv",
        "password1": "a-Long-unusual-pass-42",
        "password2": "a-Long-unusual-pass-42",
    }
    data.update(overrides)
    return data


def test_a_mentee_registers_and_is_logged_in(client):
    response = client.post(reverse("accounts:register"), _registration())

    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "ivan@example.com"
    assert not user.is_mentor
    assert user.timezone == "Europe/Kyiv"
    assert not MentorProfile.objects.exists()
    assert client.get(reverse("accounts:profile")).context["user"] == user


def test_a_mentor_registers_gets_a_profile_and_lands_on_the_editor(client):
    response = client.post(reverse("accounts:register"), _registration(role="mentor"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mentor_profile_edit")
    user = User.objects.get()
    assert user.is_mentor
    assert user.mentor_profile.slug == "ivan-petrenko"


def test_registration_returns_to_the_page_the_visitor_came_from(client):
    response = client.post(reverse("accounts:register") + "?next=/book/1/", _registration(next="/book/1/"))
    assert response["Location"] == "/book/1/"


def test_registration_ignores_a_next_url_on_another_site(client):
    response = client.post(reverse("accounts:register"), _registration(next="https://evil.example/"))
    assert response["Location"] == reverse("home")


def test_an_email_registered_in_another_case_is_refused(client):
    UserFactory(email="ivan@example.com")

    response = client.post(reverse("accounts:register"), _registration(email="IVAN@EXAMPLE.COM"))

    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["email"])
    assert User.objects.count() == 1


def test_weak_or_mismatched_passwords_are_refused(client):
    response = client.post(reverse("accounts:register"), _registration(password1="12345678", password2="12345678"))
    assert response.context["form"].errors["password1"]
    response = client.post(reverse("accounts:register"), _registration(password2="something-else-42"))
    assert response.context["form"].errors["password2"]
    assert not User.objects.exists()


def test_an_unknown_time_zone_is_refused(client):
    response = client.post(reverse("accounts:register"), _registration(timezone="Mars/Olympus"))
    assert response.context["form"].errors["timezone"]
    assert not User.objects.exists()


def test_login_is_by_email_in_any_case(client):
    UserFactory(email="olga@example.com")

    response = client.post(reverse("accounts:login"), {"username": "OLGA@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_login_with_a_wrong_password_fails_with_a_message(client):
    UserFactory(email="olga@example.com")
    response = client.post(reverse("accounts:login"), {"username": "olga@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "correct email and password" in response.content.decode()


def test_the_login_page_lets_a_signed_in_user_switch_account(client, mentee):
    other = UserFactory(email="second@example.com")
    client.force_login(mentee)

    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert "switch to another account" in page.content.decode()
    client.post(reverse("accounts:login"), {"username": other.email, "password": PASSWORD})
    assert int(client.session["_auth_user_id"]) == other.pk


def test_logout_is_post_only(client, mentee):
    client.force_login(mentee)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_the_navbar_shows_the_role_specific_menu(client, mentee, mentor, staff):
    client.force_login(mentee)
    page = client.get(reverse("home")).content.decode()
    assert "My consultations" in page and "My schedule" not in page and "Dashboard" not in page
    client.force_login(mentor)
    page = client.get(reverse("home")).content.decode()
    assert "My schedule" in page and "My clients" in page
    client.force_login(staff)
    assert "Dashboard" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("name", ["accounts:profile", "accounts:mentor_profile_edit", "accounts:password_change"])
def test_private_pages_send_anonymous_visitors_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_mentee_cannot_open_the_mentor_profile_editor(client, mentee):
    client.force_login(mentee)
    response = client.get(reverse("accounts:mentor_profile_edit"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_a_mentor_edits_the_public_profile(client, mentor):
    topic = TopicFactory(name="Programming")
    client.force_login(mentor)

    response = client.post(
        reverse("accounts:mentor_profile_edit"),
        {
            "headline": "Python for grown-ups",
            "bio": "Ten years of Django.",
            "topics": [topic.pk],
            "years_experience": 10,
            "price": "75.00",
            "session_minutes": 45,
            "languages": "English, Ukrainian",
        },
    )

    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.headline == "Python for grown-ups"
    assert list(profile.topics.all()) == [topic]
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "Python for grown-ups" in page and "$75" in page and "Programming" in page


def test_a_negative_price_is_refused(client, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("accounts:mentor_profile_edit"),
        {"headline": "x", "years_experience": 1, "price": "-5", "session_minutes": 60},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["price"]


def test_an_unknown_mentor_is_a_404(client):
    response = client.get(reverse("accounts:mentor_detail", kwargs={"slug": "nobody"}))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_former_mentor_has_no_public_page(client):
    mentor = MentorFactory()
    mentor.is_mentor = False
    mentor.save()
    assert client.get(mentor.mentor_profile.get_absolute_url()).status_code == 404


# --- Photos ---


def _image_bytes(fmt="PNG", size=(800, 600), colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def _profile_post(client, upload):
    return client.post(
        reverse("accounts:profile"),
        {"first_name": "Mia", "last_name": "Mentee", "timezone": "Europe/Kyiv", "language": "en", "photo": upload},
    )


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_photo_is_stored_as_a_clean_512px_square_jpeg(client, mentee, fmt):
    client.force_login(mentee)

    response = _profile_post(client, SimpleUploadedFile(f"me.{fmt.lower()}", _image_bytes(fmt), f"image/{fmt.lower()}"))

    assert response.status_code == 302
    mentee.refresh_from_db()
    with Image.open(mentee.photo.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (512, 512)


def _bomb_png():
    """A tiny PNG file whose header claims 20000 x 20000 pixels."""
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1), "too large"),
        ("anim.gif", _image_bytes("GIF"), "JPEG, PNG or WEBP"),
        ("broken.jpg", b"\xff\xd8\xff\xe0 this is not really a jpeg", "not a valid image"),
        ("notes.png", b"just some text", "not a valid image"),
        ("bomb.png", _bomb_png(), "dimensions are too large"),
    ],
)
def test_a_bad_photo_is_refused_with_a_clear_message_and_nothing_is_stored(client, mentee, filename, content, message):
    client.force_login(mentee)

    response = _profile_post(client, SimpleUploadedFile(filename, content, "image/png"))

    assert response.status_code == 200
    assert message in str(response.context["form"].errors["photo"])
    mentee.refresh_from_db()
    assert not mentee.photo
    assert mentee.first_name == "Mia"


def test_without_a_photo_the_initials_avatar_is_shown(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert ">MM</span>" in page


def test_a_photo_can_be_removed(client, mentee):
    client.force_login(mentee)
    _profile_post(client, SimpleUploadedFile("me.png", _image_bytes(), "image/png"))
    mentee.refresh_from_db()
    assert mentee.photo
    client.post(
        reverse("accounts:profile"),
        {"first_name": "Mia", "last_name": "Mentee", "timezone": "UTC", "language": "en", "photo-clear": "on"},
    )
    mentee.refresh_from_db()
    assert not mentee.photo
    assert mentee.timezone == "UTC"


@pytest.mark.parametrize(
    ("handler", "status", "text"),
    [
        ("bad_request", 400, "Bad request"),
        ("permission_denied", 403, "Access denied"),
        ("page_not_found", 404, "Page not found"),
        ("server_error", 500, "Something went wrong"),
    ],
)
def test_the_custom_error_pages_render_in_the_site_style(rf, handler, status, text):
    from django.contrib.auth.models import AnonymousUser

    from mentorship_platform import views

    request = rf.get("/")
    request.user = AnonymousUser()
    response = getattr(views, handler)(request)
    assert response.status_code == status
    content = response.content.decode()
    assert text in content and "bootstrap.min.css" in content


def test_password_reset_sends_an_email_with_a_working_link(client, mentee, mailoutbox):
    # Django's test runner swaps EMAIL_BACKEND (post_office's queue in production) for an in-memory one.
    response = client.post(reverse("accounts:password_reset"), {"email": mentee.email.upper()})
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.to == [mentee.email]
    link = next(line for line in mail.body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    page = client.get(path, follow=True)
    assert "Choose a new password" in page.content.decode()

    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": "n3w-Secret-pass", "new_password2": "n3w-Secret-pass"}
    )
    assert done.status_code == 302
    mentee.refresh_from_db()
    assert mentee.check_password("n3w-Secret-pass")
    again = client.get(path, follow=True).content.decode()
    assert "This link has expired" in again and reverse("accounts:password_reset") in again


@pytest.mark.parametrize(
    "path",
    [
        "/admin/accounts/user/",
        "/admin/accounts/mentorprofile/",
        "/admin/schedule/slot/",
        "/admin/schedule/booking/",
        "/admin/schedule/reminder/",
        "/admin/post_office/email/",
    ],
)
def test_the_admin_lists_load_for_a_superuser(client, path):
    from schedule.tests.factories import BookingFactory

    BookingFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(path).status_code == 200
