import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse
from PIL import Image

from accounts.images import MAX_UPLOAD_BYTES
from accounts.models import MentorProfile
from accounts.tests.factories import MentorFactory, TopicFactory, UserFactory, enable_mfa

pytestmark = pytest.mark.django_db


def test_the_navbar_shows_the_role_specific_menu(client, mentee, mentor, staff):
    client.force_login(mentee)
    page = client.get(reverse("home")).content.decode()
    assert "My consultations" in page and "My schedule" not in page and "Dashboard" not in page
    client.force_login(mentor)
    page = client.get(reverse("home")).content.decode()
    assert "My schedule" in page and "My clients" in page
    client.force_login(staff)
    assert "Dashboard" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("name", ["accounts:profile", "accounts:mentor_profile_edit", "account_change_password"])
def test_private_pages_send_anonymous_visitors_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


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


def test_an_http_meeting_link_is_refused_saying_it_must_be_https(client, mentor):
    client.force_login(mentor)
    data = {"headline": "x", "years_experience": 1, "price": "5", "session_minutes": 60}
    response = client.post(reverse("accounts:mentor_profile_edit"), {**data, "meeting_url": "http://zoom.us/j/1"})
    assert response.context["form"].errors["meeting_url"] == ["The link must start with https:// (a secure link)."]
    assert MentorProfile.objects.get(user=mentor).meeting_url == ""
    client.post(reverse("accounts:mentor_profile_edit"), {**data, "meeting_url": "HTTPS://zoom.us/j/1"})
    assert MentorProfile.objects.get(user=mentor).meeting_url.lower() == "https://zoom.us/j/1"


def test_an_unknown_mentor_is_a_404(client):
    response = client.get(reverse("accounts:mentor_detail", kwargs={"slug": "nobody"}))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_mentor_page_lists_the_topics_in_order_in_the_viewers_language(client):
    """The topics come with the profile (one JSON array, no query of their own), sorted by name as before."""
    mentor = MentorFactory()
    mentor.mentor_profile.topics.add(
        TopicFactory(name="Zoology & <more>", name_uk="Зоологія"),
        TopicFactory(name="Careers"),
        TopicFactory(name="Law"),
    )
    TopicFactory(name="Unrelated")
    url = mentor.mentor_profile.get_absolute_url()
    page = client.get(url).content.decode()
    badges = [page.index(f">{name}</a>") for name in ("Careers", "Law", "Zoology &amp; &lt;more&gt;")]
    assert badges == sorted(badges) and "Unrelated" not in page
    assert 'href="/?topic=careers#mentors"' in page
    client.cookies["django_language"] = "uk"
    assert ">Зоологія</a>" in client.get(url).content.decode()


def test_a_mentor_without_topics_has_a_page(client):
    mentor = MentorFactory()
    assert client.get(mentor.mentor_profile.get_absolute_url()).status_code == 200


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
    page = client.get(reverse("accounts:profile")).content.decode()  # the photo itself, not its file path
    assert f'<img src="{mentee.photo.url}" alt="" class="rounded border current-image"' in page
    assert "Remove the photo" in page and f">{mentee.photo.name}<" not in page


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


class SpyUploadHandler(TemporaryFileUploadHandler):
    """Stores uploads as Django does, and keeps each file it made and how many bytes it was given."""

    files: list = []
    received: list[int] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files.append(self.file)
        self.received.append(0)

    def receive_data_chunk(self, raw_data, start):
        self.received[-1] += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


def test_an_oversized_photo_is_refused_while_it_streams_and_nothing_changes(client, mentee, settings):
    # The limit first, as in the settings; then a handler that stores like Django's and counts what it gets.
    settings.FILE_UPLOAD_HANDLERS = [
        "core.uploads.SizeLimitUploadHandler",
        "accounts.tests.test_views.SpyUploadHandler",
    ]
    SpyUploadHandler.files, SpyUploadHandler.received = [], []
    client.force_login(mentee)
    six_megabytes = b"\x89PNG" + b"0" * (6 * 1024 * 1024 - 4)

    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Renamed",
            "last_name": "Mentee",
            "timezone": "Europe/Kyiv",
            "language": "en",
            "photo": SimpleUploadedFile("huge.png", six_megabytes, "image/png"),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == ["The photo is too large (6.0\xa0MB). The limit is 5.0\xa0MB."]
    [stored_part] = SpyUploadHandler.received
    assert stored_part <= MAX_UPLOAD_BYTES  # the storing handler never saw the rest
    assert SpyUploadHandler.files[0].closed  # and what it held is freed (the temporary file is deleted)
    mentee.refresh_from_db()
    assert (mentee.first_name, bool(mentee.photo)) == ("Mia", False)


def test_an_oversized_file_in_the_admin_is_refused_too_without_an_error_page(client, mentee):
    """Every upload passes the limit: a form field that does not know it sees an empty file and refuses it."""
    admin = UserFactory(is_staff=True, is_superuser=True)
    enable_mfa(admin)
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[mentee.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "photo"}
    data.update(groups=[], user_permissions=[], first_name="Renamed", date_joined_0="2026-01-01", date_joined_1="10:00")

    response = client.post(url, {**data, "photo": SimpleUploadedFile("huge.png", b"0" * (6 * 1024 * 1024))})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"] == ["The submitted file is empty."]
    mentee.refresh_from_db()
    assert (mentee.first_name, bool(mentee.photo)) == ("Mia", False)


def test_a_photo_just_within_the_limit_streams_through(client, mentee):
    client.force_login(mentee)
    photo = _image_bytes()
    padded = photo + b"\0" * (MAX_UPLOAD_BYTES - len(photo))  # trailing bytes after the PNG's end are ignored

    response = _profile_post(client, SimpleUploadedFile("me.png", padded, "image/png"))

    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.photo


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
    enable_mfa(admin)
    client.force_login(admin)
    assert client.get(path).status_code == 200


def test_a_blocked_person_is_signed_out_everywhere_told_why_at_sign_in_and_can_be_unblocked(client, staff):
    from allauth.usersessions.models import UserSession

    from accounts.tests.factories import PASSWORD, UserFactory

    person = UserFactory()
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert UserSession.objects.filter(user=person).exists()
    client.logout()

    staff_client = type(client)()
    staff_client.force_login(staff)
    assert staff_client.post(reverse("dashboard:person_deactivate", args=[person.pk])).status_code == 302
    person.refresh_from_db()
    assert not person.is_active and not UserSession.objects.filter(user=person).exists()

    page = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD}, follow=True)
    assert "This account is blocked" in page.content.decode()
    assert "_auth_user_id" not in client.session

    staff_client.post(reverse("dashboard:person_reactivate", args=[person.pk]))
    person.refresh_from_db()
    assert person.is_active


def test_someone_leaving_is_not_unblocked_by_staff(staff):
    from accounts import services
    from accounts.tests.factories import UserFactory

    person = UserFactory()
    services.account_deletion_request(user=person)
    with pytest.raises(services.AccountError):
        services.user_reactivate(user=person)
    person.refresh_from_db()
    assert not person.is_active


def test_a_manager_cannot_deactivate_a_superuser(client):
    from accounts.tests.factories import UserFactory, staff_member

    manager = staff_member("Manager")
    boss = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(manager)
    client.post(reverse("dashboard:person_deactivate", args=[boss.pk]))
    boss.refresh_from_db()
    assert boss.is_active


def test_the_address_above_a_mentor_s_page_leads_to_the_directory(client):
    response = client.get("/mentors/")
    assert response.status_code == 302 and response["Location"] == "/#mentors"
    response = client.get("/mentors/?q=python&topic=careers")  # a shared search keeps its filters
    assert response.status_code == 302 and response["Location"] == "/?q=python&topic=careers#mentors"


def test_the_account_menu_is_named_once_by_the_persons_name_the_avatar_beside_it_is_decorative(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("home")).content.decode()
    toggle = page.split('<li class="nav-item dropdown nav-user-menu">', 1)[1].split("</a>", 1)[0]
    assert 'aria-hidden="true">MM</span>' in toggle and "aria-label" not in toggle
    assert f'<span class="nav-label-wide nav-user-name">{mentee.display_name}</span>' in toggle
