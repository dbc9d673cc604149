"""Sign-up, email verification, sign-in, throttling and password reset on django-allauth."""

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, User
from accounts.tests.factories import PASSWORD, ListedMentorFactory, MentorFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-Long-unusual-pass-42"


def _signup(**overrides):
    data = {
        "role": "mentee",
        "first_name": "Ivan",
        "last_name": "Petrenko",
        "email": "Ivan@Example.com",
        "timezone": "Europe/Kyiv",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def _link(mail, fragment):
    """The first link in a mail's text that contains ``fragment``, as a path on the test server."""
    url = next(word for word in mail.body.split() if fragment in word)
    return re.sub(r"^https?://[^/]+", "", url)


def _sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _signed_in_user(client):
    return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None


# --- Sign-up ---


def test_signing_up_sends_a_confirmation_link_that_signs_in_and_returns_to_next(client, mailoutbox):
    response = client.post(reverse("account_signup") + "?next=/book/1/", _signup(next="/book/1/"))

    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert (user.email, user.is_mentor, user.timezone) == ("ivan@example.com", False, "Europe/Kyiv")
    assert _signed_in_user(client) is None  # nothing happens in the account before the address is proven
    [mail] = mailoutbox
    assert mail.to == ["ivan@example.com"]

    confirm = _link(mail, "/accounts/confirm-email/")
    assert "Confirm" in client.get(confirm).content.decode()
    done = client.post(confirm)

    assert done.status_code == 302 and done["Location"] == "/book/1/"
    assert _signed_in_user(client) == user.pk
    assert EmailAddress.objects.get(user=user).verified


def test_a_new_mentor_gets_a_profile_and_lands_on_the_editor_after_confirming(client, mailoutbox):
    client.post(reverse("account_signup"), _signup(role="mentor"))
    user = User.objects.get()
    assert user.is_mentor and user.mentor_profile.slug == "ivan-petrenko"

    done = client.post(_link(mailoutbox[0], "/accounts/confirm-email/"))
    assert done["Location"] == reverse("accounts:mentor_profile_edit")


def test_the_role_in_the_link_is_chosen_on_the_form_and_the_old_address_still_works(client):
    page = client.get(reverse("account_signup") + "?role=mentor")
    assert page.context["form"]["role"].value() == "mentor"
    old = client.get("/accounts/register/?role=mentor&next=/x/")
    assert old.status_code == 301 and old["Location"] == reverse("account_signup") + "?role=mentor&next=%2Fx%2F"


def test_signing_up_with_a_registered_address_looks_the_same_and_tells_only_the_owner(client, mailoutbox):
    owner = UserFactory(email="ivan@example.com")

    response = client.post(reverse("account_signup"), _signup(email="IVAN@EXAMPLE.COM"))

    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == 1 and _signed_in_user(client) is None
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # the stranger's password changed nothing
    [mail] = mailoutbox
    assert mail.to == ["ivan@example.com"] and "/accounts/confirm-email/" not in mail.body


def test_a_next_url_on_another_site_is_ignored(client, mailoutbox):
    client.post(reverse("account_signup"), _signup(next="https://evil.example/"))
    done = client.post(_link(mailoutbox[0], "/accounts/confirm-email/"))
    assert done["Location"] == reverse("home")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"password1": "12345678", "password2": "12345678"}, "password1"),
        ({"password2": "something-else-42"}, "password2"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"role": "admin"}, "role"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_bad_sign_up_values_are_refused_and_make_nothing(client, mailoutbox, overrides, field):
    response = client.post(reverse("account_signup"), _signup(**overrides))
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert not User.objects.exists() and not mailoutbox


def test_a_photo_at_sign_up_is_stored_re_encoded(client, mailoutbox):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(buffer, "PNG")
    photo = SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")

    client.post(reverse("account_signup"), {**_signup(), "photo": photo})

    user = User.objects.get()
    assert user.photo.name.startswith(f"avatars/{user.pk}/") and user.photo.name.endswith(".jpg")


# --- Unverified accounts ---


def test_an_unconfirmed_account_signs_in_and_edits_its_profile_but_cannot_book(client, mailoutbox):
    from schedule.models import Booking, WaitlistEntry
    from schedule.tests.factories import SlotFactory

    user = UserFactory(email="new@example.com", email_verified=False)
    slot = SlotFactory()
    assert _sign_in(client, user.email).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200

    page = client.get(reverse("schedule:booking_confirm", args=[slot.pk]))
    assert "Confirm your email address first" in page.content.decode()
    client.post(reverse("schedule:booking_confirm", args=[slot.pk]), {"note": "hi"})
    client.post(reverse("schedule:waitlist_join", args=[slot.mentor.pk]))

    assert not Booking.objects.exists() and not WaitlistEntry.objects.exists()
    assert mailoutbox and all(m.to == [user.email] for m in mailoutbox)  # only the confirmation link
    assert "Not confirmed yet" in client.get(reverse("accounts:security")).content.decode()


def test_the_booking_service_refuses_an_unconfirmed_mentee(mentee):
    from schedule import services
    from schedule.tests.factories import SlotFactory

    EmailAddress.objects.filter(user=mentee).update(verified=False)
    slot = SlotFactory()
    with pytest.raises(services.UnverifiedEmailError):
        services.booking_create(slot_id=slot.pk, mentee=User.objects.get(pk=mentee.pk))


def test_an_unconfirmed_mentor_is_not_listed_and_the_checklist_says_why(client):
    from accounts.selectors import listed_mentors, mentor_readiness
    from accounts.tests.factories import MentorFactory, TopicFactory
    from schedule.tests.factories import SlotFactory

    mentor = MentorFactory(email_verified=False, profile__topics=[TopicFactory()])
    SlotFactory(mentor=mentor)
    profile = MentorProfile.objects.get(user=mentor)
    readiness = mentor_readiness(profile=profile)
    assert readiness.done == readiness.total - 1 and not readiness.has_verified_email
    assert not listed_mentors().filter(pk=profile.pk).exists()

    EmailAddress.objects.filter(user=mentor).update(verified=True)
    assert listed_mentors().filter(pk=profile.pk).exists()


def test_resending_the_confirmation_is_throttled(client, mailoutbox):
    user = UserFactory(email="new@example.com", email_verified=False)
    client.force_login(user)
    for _ in range(3):
        client.post(reverse("account_email"), {"action_send": "", "email": user.email})
    assert len(mailoutbox) == 1


def test_only_the_address_mail_goes_to_counts_as_confirmed(client, mentee):
    """Confirming a second address of one's own must not unlock mail to an unproven first one."""
    from accounts.selectors import has_verified_email

    EmailAddress.objects.filter(user=mentee).update(verified=False)
    EmailAddress.objects.create(user=mentee, email="mine@example.com", verified=True, primary=False)
    assert not has_verified_email(User.objects.get(pk=mentee.pk))


@pytest.mark.parametrize("action", ["book an unconfirmed mentor", "cancel", "move"])
def test_an_unconfirmed_person_on_either_side_makes_no_mail_go_out(action, mentee, mentor, mailoutbox):
    from schedule import services
    from schedule.models import Booking
    from schedule.tests.factories import BookingFactory, SlotFactory

    if action == "book an unconfirmed mentor":
        EmailAddress.objects.filter(user=mentor).update(verified=False)
        with pytest.raises(services.BookingError):
            services.booking_create(slot_id=SlotFactory(mentor=mentor).pk, mentee=mentee)
        assert not Booking.objects.exists()
        return
    booking = BookingFactory(slot__mentor=mentor, mentee=mentee)
    EmailAddress.objects.filter(user=mentor).update(verified=False)
    fresh = User.objects.get(pk=mentor.pk)
    with pytest.raises(services.UnverifiedEmailError):
        if action == "cancel":
            services.booking_cancel(booking=booking, by=fresh, reason="Visit http://evil.example")
        else:
            services.booking_reschedule(booking=booking, new_slot_id=SlotFactory(mentor=mentor).pk, by=fresh)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and not mailoutbox


def test_signing_up_with_a_registered_address_takes_as_long_as_a_new_one(client, monkeypatch):
    """Both answers hash the password, so the time taken does not tell a registered address apart."""
    from accounts import views

    UserFactory(email="ivan@example.com")
    hashed = []
    monkeypatch.setattr(views, "make_password", lambda password: hashed.append(password))
    client.post(reverse("account_signup"), _signup(email="ivan@example.com"))
    assert hashed == [NEW_PASSWORD]


# --- Sign-in ---


def test_sign_in_is_by_email_in_any_case(client):
    user = UserFactory(email="olga@example.com")
    response = _sign_in(client, "OLGA@example.com")
    assert response.status_code == 302 and _signed_in_user(client) == user.pk


def test_a_mentor_not_listed_yet_signs_in_to_the_profile_checklist_a_listed_one_to_the_directory(client):
    unready = MentorFactory(email="new.mentor@example.com")
    MentorProfile.objects.filter(user=unready).update(headline="")
    assert _sign_in(client, unready.email)["Location"] == reverse("accounts:mentor_profile_edit")
    client.logout()
    listed = ListedMentorFactory(email="listed.mentor@example.com")
    assert _sign_in(client, listed.email)["Location"] == reverse("home")


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="olga@example.com")
    response = _sign_in(client, "olga@example.com", "nope")
    assert response.status_code == 200 and _signed_in_user(client) is None
    assert "email address and/or password you specified are not correct" in response.content.decode()


def test_guessing_passwords_is_stopped_per_account_even_when_the_right_one_comes(client):
    user = UserFactory(email="olga@example.com")
    for _ in range(5):
        _sign_in(client, user.email, "guess")

    response = _sign_in(client, user.email)

    assert _signed_in_user(client) is None
    assert "Too many failed login attempts" in response.content.decode()


def test_guessing_across_accounts_from_one_address_is_stopped_per_ip(client):
    users = UserFactory.create_batch(11)
    for user in users[:10]:
        _sign_in(client, user.email, "guess")

    response = _sign_in(client, users[10].email)

    assert _signed_in_user(client) is None
    assert "Too many failed login attempts" in response.content.decode()


def test_the_sign_in_page_offers_a_signed_in_user_to_sign_out_first(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("account_login") + "?next=/bookings/").content.decode()
    assert "Sign in as a different user" in page and 'name="password"' not in page

    response = client.post(reverse("account_logout"), {"next": reverse("account_login") + "?next=/bookings/"})

    assert response["Location"] == reverse("account_login") + "?next=/bookings/"
    assert _signed_in_user(client) is None


def test_the_sign_in_page_never_links_to_a_next_url_of_its_own(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("account_login") + "?next=https://evil.example/x").content.decode()
    assert "evil.example" not in page.replace("next=https%3A//evil.example/x", "")
    assert 'href="https://evil.example' not in page and "javascript:" not in page


def test_sign_out_is_post_only(client, mentee):
    client.force_login(mentee)
    client.get(reverse("account_logout"))
    assert _signed_in_user(client) == mentee.pk
    client.post(reverse("account_logout"))
    assert _signed_in_user(client) is None


def test_a_password_change_ends_the_other_sessions(client, mentee):
    from django.test import Client

    other = Client()
    other.force_login(mentee)
    _sign_in(client, mentee.email)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert _signed_in_user(client) == mentee.pk  # the person who changed it stays in
    assert other.get(reverse("accounts:profile")).status_code == 302


# --- Password reset ---


def test_account_mail_speaks_the_account_s_language_not_the_browser_s(client, mentee, mailoutbox):
    assert mentee.language == "en"
    client.post(reverse("account_reset_password"), {"email": mentee.email}, HTTP_ACCEPT_LANGUAGE="uk")
    [mail] = mailoutbox
    assert "Password Reset" in mail.subject or "password" in mail.subject.lower()
    assert not re.search("[а-яіїє]", mail.subject + mail.body, re.IGNORECASE)  # no Ukrainian in it
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert re.search("[а-яіїє]", mailoutbox[1].subject + mailoutbox[1].body, re.IGNORECASE)  # no account: uk


def test_a_password_reset_link_works_once(client, mentee, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": mentee.email.upper()})
    assert response.status_code == 302
    [mail] = mailoutbox
    link = _link(mail, "/accounts/password/reset/key/")

    page = client.get(link, follow=True)
    done = client.post(page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    mentee.refresh_from_db()
    assert mentee.check_password(NEW_PASSWORD)
    assert "bad token" in client.get(link, follow=True).content.decode().lower()


def test_password_reset_mail_is_rate_limited_per_address(client, mentee, mailoutbox):
    for _ in range(8):
        client.post(reverse("account_reset_password"), {"email": mentee.email})
    assert len(mailoutbox) == 5


def test_account_mail_goes_through_the_outbox_and_its_link_is_wiped_after_delivery(client, settings, mentee):
    from django.core import mail as django_mail
    from post_office.models import STATUS, Email

    from schedule import delivery

    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    client.post(reverse("account_reset_password"), {"email": mentee.email})
    queued = Email.objects.get()
    assert queued.headers["X-Mentorship-Kind"] == "account" and "/accounts/password/reset/key/" in queued.message

    assert delivery.outbox_drain().sent == 1

    queued.refresh_from_db()
    assert queued.status == STATUS.sent and "/accounts/password/reset/key/" not in queued.message + queued.html_message
    sent = django_mail.outbox[0]
    assert "/accounts/password/reset/key/" in sent.body  # the person got the link
    assert not [h for h in sent.extra_headers if h.startswith("X-Mentorship-")]  # our log's, not theirs


# --- Query counts ---


def test_the_security_page_query_count_is_pinned(client, mentee, django_assert_num_queries):
    client.force_login(mentee)
    client.get(reverse("accounts:security"))
    # session, user, confirmed address, second factor, sessions, connected accounts
    with django_assert_num_queries(6):
        assert client.get(reverse("accounts:security")).status_code == 200


@pytest.mark.parametrize("name", ["account_login", "account_signup"])
def test_the_sign_in_and_sign_up_pages_query_count_is_pinned(client, name, django_assert_num_queries):
    with django_assert_num_queries(1):  # allauth looks for Google/GitHub apps stored in the database too
        assert client.get(reverse(name)).status_code == 200


def test_a_lost_confirmation_link_is_sent_again_after_signing_in_from_the_check_your_email_page(client, mailoutbox):
    client.post(reverse("account_signup"), _signup())
    page = client.get(reverse("account_email_verification_sent")).content.decode()
    again = f"{reverse('account_login')}?next={reverse('account_email')}"
    assert f'href="{again}"' in page and "Sign in and send the link again" in page

    response = client.post(again, {"login": "ivan@example.com", "password": NEW_PASSWORD})
    assert response["Location"] == reverse("account_email")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):  # allauth sends one every few minutes
        client.post(reverse("account_email"), {"action_send": "", "email": "ivan@example.com"})
    assert len(mailoutbox) == 2 and "/accounts/confirm-email/" in mailoutbox[1].body


def test_the_authenticator_page_gives_a_phone_the_secret_to_copy_and_a_link_to_its_app(client):
    user = UserFactory(email="olga@example.com")
    _sign_in(client, user.email)
    url = reverse("mfa_activate_totp")
    client.post(f"{reverse('account_reauthenticate')}?next={url}", {"password": PASSWORD})  # asked again first
    page = client.get(url).content.decode()
    assert 'href="otpauth://totp/' in page
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)" readonly', page).group(1)
    assert len(secret) >= 16 and 'data-copy="#authenticator_secret"' in page
