"""
The audit log: every staff action and security event is an entry (who, what, which object, changes,
when, from where), model changes are recorded by django-auditlog, and nobody can edit either.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.tests.factories import PASSWORD, UserFactory, staff_member
from audit.models import Event
from payments import services as payment_services
from payments.models import Package, PackagePurchase
from payments.tests.factories import card
from reviews import services as review_services
from reviews.tests.factories import ReviewFactory
from schedule.models import Booking
from schedule.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

STAFF_IP = "203.0.113.7"


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    client.defaults["REMOTE_ADDR"] = STAFF_IP
    return client


def only_event(**filters) -> Event:
    [event] = Event.objects.filter(**filters)
    return event


# --- Staff actions ---


def test_cancelling_a_booking_for_someone_names_the_staff_member_the_booking_and_the_address(staff_client, staff):
    booking = BookingFactory()
    staff_client.post(reverse("dashboard:booking_cancel", args=[booking.pk]), {"reason": "Mentor is ill & <away>"})

    event = only_event(action=Event.Action.BOOKING_CANCEL)
    assert (event.actor, event.target_id, event.ip) == (staff, str(booking.pk), STAFF_IP)
    assert event.changes == {"status": ["confirmed", "cancelled"], "reason": "Mentor is ill & <away>"}
    assert event.request_id

    page = staff_client.get(reverse("dashboard:audit")).content.decode()  # the booking's own words for its status
    assert '<span class="text-body-secondary">Confirmed</span>' in page and "</span> Cancelled</dd>" in page
    staff.language = "uk"
    staff.save(update_fields=["language"])
    page = staff_client.get(reverse("dashboard:audit")).content.decode()
    assert "Confirmed</span>" not in page and "</span> Cancelled</dd>" not in page  # in Ukrainian


def test_a_participant_cancelling_their_own_booking_is_not_a_staff_action(client):
    booking = BookingFactory()
    client.force_login(booking.mentee)
    from schedule import services as schedule_services

    schedule_services.booking_cancel(booking=booking, by=booking.mentee)
    assert booking.status == Booking.Status.CANCELLED and not Event.objects.exists()


def test_blocking_and_unblocking_are_recorded_with_model_changes_beside_them(staff_client, staff):
    person = UserFactory()
    staff_client.post(reverse("dashboard:person_deactivate", args=[person.pk]))
    staff_client.post(reverse("dashboard:person_reactivate", args=[person.pk]))

    assert list(Event.objects.order_by("at", "pk").values_list("action", "actor", "target_id", "ip")) == [
        (Event.Action.PERSON_BLOCK, staff.pk, str(person.pk), STAFF_IP),
        (Event.Action.PERSON_UNBLOCK, staff.pk, str(person.pk), STAFF_IP),
    ]
    changes = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).order_by("timestamp")
    assert [(c.changes["is_active"], c.actor, c.remote_addr) for c in changes] == [
        ([True, False], staff, STAFF_IP),
        ([False, True], staff, STAFF_IP),
    ]


def test_giving_the_mentor_role_and_a_staff_role_are_recorded(staff_client, staff):
    person = UserFactory()
    staff_client.post(reverse("dashboard:person_role", args=[person.pk]))
    person.groups.add(Group.objects.get(name="Manager"))

    assert only_event(action=Event.Action.PERSON_ROLE).changes == {"mentor": [False, True]}
    [groups] = LogEntry.objects.get_for_object(person).filter(changes__has_key="groups")
    assert groups.changes["groups"]["operation"] == "add" and groups.changes["groups"]["objects"] == ["Manager"]


def test_hiding_and_showing_a_review_are_recorded_with_the_reason(staff):
    review = ReviewFactory()
    review_services.review_hide(review=review, by=staff, reason="Personal details")
    review_services.review_unhide(review=review, by=staff, reason="Edited")

    assert list(Event.objects.order_by("pk").values_list("action", "changes")) == [
        (Event.Action.REVIEW_HIDE, {"reason": "Personal details"}),
        (Event.Action.REVIEW_UNHIDE, {"reason": "Edited"}),
    ]


def test_a_refund_made_by_staff_is_recorded_and_a_clients_own_is_not(staff, mentee):
    from accounts.tests.factories import MentorFactory

    package = Package.objects.create(
        mentor=MentorFactory(profile__price=50), title="Five", sessions=5, price=Decimal("200.00")
    )
    payments = [
        payment_services.package_buy(package=package, payer=mentee, card=card(), idempotency_key=key * 32)
        for key in "ab"
    ]
    mine, theirs = (PackagePurchase.objects.get(payment=p) for p in payments)
    payment_services.package_refund_unused(purchase=mine, by=mentee)
    payment_services.package_refund_unused(purchase=theirs, by=staff)

    event = only_event(action=Event.Action.PAYMENT_REFUND)
    assert (event.actor, event.target_id) == (staff, str(payments[1].pk))
    assert event.changes == {"amount": "200.00", "currency": payments[1].currency, "unused": 5}


def test_an_export_is_recorded_with_its_filters(staff_client, staff):
    response = staff_client.get(reverse("dashboard:bookings_export"), {"status": "cancelled", "mentor": ""})
    b"".join(response.streaming_content)

    event = only_event(action=Event.Action.DATA_EXPORT)
    assert event.actor == staff and event.changes == {"what": "bookings.csv", "filters": {"status": "cancelled"}}

    page = staff_client.get(reverse("dashboard:audit"))  # the log shows it (a dict of filters used to be a 500)
    assert page.status_code == 200
    assert "status: cancelled" in page.content.decode()


def test_maintenance_switched_from_the_dashboard_and_the_command_is_recorded(staff_client, staff):
    staff_client.post(reverse("dashboard:maintenance"), {"action": "on", "retry_after_minutes": 10})
    call_command("maintenance", "off", stdout=__import__("io").StringIO())

    assert list(Event.objects.order_by("pk").values_list("action", "actor", "changes")) == [
        (Event.Action.MAINTENANCE, staff.pk, {"maintenance": [False, True]}),
        (Event.Action.MAINTENANCE, None, {"maintenance": [True, False], "by": "manage.py"}),
    ]


# --- Security events ---


def test_asking_to_delete_an_account_and_keeping_it_are_recorded(mentee):
    account_services.account_deletion_request(user=mentee)
    account_services.account_deletion_cancel(user_id=mentee.pk)

    assert list(Event.objects.order_by("pk").values_list("action", "actor", "target_id")) == [
        (Event.Action.DELETION_REQUESTED, mentee.pk, str(mentee.pk)),
        (Event.Action.DELETION_CANCELLED, mentee.pk, str(mentee.pk)),
    ]


def test_failed_sign_ins_from_one_address_are_one_event_once_they_reach_the_threshold(client, settings, mentee):
    settings.AUDIT_SIGNIN_FAILURES = 3
    client.defaults["REMOTE_ADDR"] = "198.51.100.9"

    def fail():
        client.post(reverse("account_login"), {"login": mentee.email, "password": "wrong"})

    fail(), fail()
    assert not Event.objects.exists()
    fail(), fail(), fail()  # the third is the event; more in the same window are not new ones

    event = only_event(action=Event.Action.SIGNIN_FAILURES)
    assert event.ip == "198.51.100.9" and event.actor is None
    assert event.changes == {"failures": 3, "minutes": settings.AUDIT_SIGNIN_WINDOW_MINUTES, "last_email": mentee.email}


def test_a_successful_sign_in_is_no_failure(client, mentee, settings):
    settings.AUDIT_SIGNIN_FAILURES = 1
    client.post(reverse("account_login"), {"login": mentee.email, "password": PASSWORD})
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("signal", "action"),
    [
        (mfa_signals.authenticator_added, Event.Action.MFA_ADDED),
        (mfa_signals.authenticator_removed, Event.Action.MFA_REMOVED),
        (mfa_signals.authenticator_reset, Event.Action.MFA_RESET),
    ],
)
def test_second_factor_changes_are_recorded(mentee, signal, action):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.44")
    authenticator = Authenticator(user=mentee, type=Authenticator.Type.TOTP, data={})
    signal.send(sender=Authenticator, request=request, user=mentee, authenticator=authenticator)

    event = only_event(action=action)
    assert (event.actor, event.target_id, event.ip, event.changes) == (
        mentee,
        str(mentee.pk),
        "192.0.2.44",
        {"type": "totp"},
    )


def test_the_address_is_the_trusted_proxys_entry_not_what_the_client_wrote(client, settings, staff):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.force_login(staff)
    person = UserFactory()
    client.post(
        reverse("dashboard:person_deactivate", args=[person.pk]),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50",  # "1.2.3.4" is the client's own claim
    )
    assert only_event(action=Event.Action.PERSON_BLOCK).ip == "203.0.113.50"


# --- Reading it ---


def test_staff_filter_the_log_by_action_person_address_and_date(staff_client, staff):
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)):
        old = UserFactory(first_name="Olga")
        account_services.user_deactivate(user=old, by=staff)
    blocked = UserFactory(first_name="Bohdan")
    account_services.user_deactivate(user=blocked, by=staff)
    account_services.account_deletion_request(user=UserFactory(first_name="Lea"))
    url = reverse("dashboard:audit")

    def shown(**params):
        return [e.target_label for e in staff_client.get(url, params).context["page"].object_list]

    assert len(shown()) == 3
    assert shown(action=Event.Action.PERSON_BLOCK) == [str(blocked), str(old)]
    assert shown(person="Bohdan") == [str(blocked)]
    assert shown(date_to="2026-11-21") == [str(old)]
    assert shown(ip="192.0.2.1") == []
    assert shown(action="nonsense") == shown()  # a bad filter is ignored, not a 500
    assert staff_client.get(url).content.decode().count(">Blocked a person</span>") == 2  # each row's action


def test_an_action_no_longer_in_the_code_shows_its_stored_name():
    assert Event(action="person.renamed").action_label == "person.renamed"
    assert Event(action=Event.Action.PERSON_BLOCK).action_label == "Blocked a person"


def test_the_log_pages_take_a_fixed_number_of_queries(staff_client, staff, django_assert_num_queries):
    for _ in range(30):
        account_services.user_deactivate(user=UserFactory(), by=staff)
    staff_client.get(reverse("home"))  # the session's first staff request notes the time: not counted
    with django_assert_num_queries(7):
        response = staff_client.get(reverse("dashboard:audit"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 30
    with django_assert_num_queries(7):
        response = staff_client.get(reverse("dashboard:audit_changes"))
    assert response.status_code == 200 and len(response.context["page"].object_list) >= 30


def test_the_change_log_shows_who_changed_which_field(staff_client, staff):
    person = UserFactory(first_name="Seán O'Brien & <Co>")
    account_services.user_deactivate(user=person, by=staff)
    page = staff_client.get(reverse("dashboard:audit_changes"), {"model": "accounts.user"}).content.decode()
    assert (
        '<dt class="fw-semibold">Active</dt>' in page
        and "Seán O&#x27;Brien &amp; &lt;Co&gt;" in page
        and "<Co>" not in page
    )
    # blocked: "Active Yes → No", not "True → —"
    assert re.search(r'<span class="text-body-secondary">Yes</span> <i class="bi bi-arrow-right"[^>]*></i>'
                     r'<span class="visually-hidden">→</span> No</dd>', page)  # fmt: skip


def test_the_change_log_reads_in_ukrainian_actions_role_names_and_group_changes_included(staff_client, staff):
    from accounts.tests.factories import staff_member

    person = staff_member("Support")
    account_services.user_set_staff_role(user=person, role="Manager", by=staff)
    staff.language = "uk"
    staff.save(update_fields=["language"])
    page = staff_client.get(reverse("dashboard:audit_changes")).content.decode()
    assert ">Змінено</span>" in page and ">Update<" not in page and ">Create<" not in page
    assert "Менеджер" in page and "Manager" not in page.split("<main", 1)[1].split("</main>")[0]


def test_a_manager_reads_the_log_and_support_cannot(client):
    client.force_login(staff_member("Manager"))
    assert client.get(reverse("dashboard:audit")).status_code == 200
    client.force_login(staff_member("Support"))
    assert client.get(reverse("dashboard:audit")).status_code == 403
    assert client.get(reverse("dashboard:audit_changes")).status_code == 403


def test_nobody_can_add_edit_or_delete_entries_in_the_admin(rf):
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    for model in (Event, LogEntry):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_the_change_log_reads_every_tracked_models_entries(staff_client):
    """Recorded changes name reverse relations too (a package's payments): every entry renders."""
    from accounts.tests.factories import MentorFactory

    Package.objects.create(mentor=MentorFactory(profile__price=50), title="Five", sessions=5, price=Decimal("200.00"))
    ReviewFactory()
    response = staff_client.get(reverse("dashboard:audit_changes"))
    assert response.status_code == 200
    assert {c.content_type.model for c in response.context["page"].object_list} >= {"package", "review", "user"}


def test_disabling_and_enabling_a_mailing_are_recorded(staff, mentor):
    import datetime as dt

    from django.utils import timezone

    from mailings import services as mailing_services
    from mailings.tests.factories import MessageFactory

    now = timezone.now()
    mailing = mailing_services.mailing_create(
        mentor=mentor,
        message=MessageFactory(mentor=mentor),
        start_at=now + dt.timedelta(days=1),
        end_at=now + dt.timedelta(days=60),
        period="weekly",
        now=now,
    )
    mailing_services.mailing_disable(mailing=mailing, by=staff, reason="Looks like spam")
    mailing_services.mailing_enable(mailing=mailing, by=staff)

    disable, enable = Event.objects.order_by("pk")
    assert (disable.action, disable.actor, disable.target_id) == (Event.Action.MAILING_DISABLE, staff, str(mailing.pk))
    assert disable.changes["reason"] == "Looks like spam" and disable.changes["status"][1] == "disabled"
    assert enable.action == Event.Action.MAILING_ENABLE and enable.changes["status"][0] == "disabled"


def test_what_people_typed_is_stored_even_with_a_nul(staff):
    """PostgreSQL's JSON holds no NUL: the export filters a person typed are kept with it replaced."""
    from audit.services import event_record

    event = event_record(action=Event.Action.DATA_EXPORT, actor=staff, changes={"filters": {"mentor": "a\x00b"}})
    event.refresh_from_db()
    assert event.changes == {"filters": {"mentor": "a\ufffdb"}}


def test_an_erased_account_leaves_no_name_or_address_in_the_audit_log(client, staff, settings):
    import datetime as dt

    from accounts.services import account_deletion_request, account_deletions_complete
    from accounts.tests.factories import MentorFactory

    settings.AUDIT_SIGNIN_FAILURES = 1
    person = MentorFactory(first_name="Seán", last_name="Secret", email="sean.secret@example.com")
    account_services.user_deactivate(user=person, by=staff)
    account_services.user_reactivate(user=person, by=staff)
    client.post(reverse("account_login"), {"login": person.email, "password": "wrong"})
    account_deletion_request(user=person)
    account_deletions_complete(now=timezone.now() + dt.timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS + 1))

    person.refresh_from_db()
    assert person.deleted_at is not None
    text = repr(list(Event.objects.values_list("target_label", "changes"))) + repr(
        list(LogEntry.objects.values_list("object_repr", "changes", "changes_text", "serialized_data"))
    )
    assert "Secret" not in text and "sean.secret" not in text
    assert Event.objects.filter(action=Event.Action.PERSON_BLOCK, target_label=f"#{person.pk}").exists()


def test_blocking_twice_blocks_and_records_once_and_the_rules_live_in_the_service(staff):
    person = UserFactory()
    account_services.user_deactivate(user=person, by=staff)
    with pytest.raises(account_services.AccountError):
        account_services.user_deactivate(user=UserFactory.build(pk=person.pk, is_active=True), by=staff)
    with pytest.raises(account_services.AccountError):
        account_services.user_deactivate(user=staff, by=staff)
    with pytest.raises(account_services.AccountError):
        account_services.user_deactivate(user=UserFactory(is_superuser=True), by=staff)
    assert Event.objects.filter(action=Event.Action.PERSON_BLOCK).count() == 1


def test_the_admin_blocks_and_unblocks_through_the_services_and_never_edits_the_flags(client):
    from accounts.models import User

    client.force_login(staff_member(None, is_superuser=True))
    admin_client = client
    person = UserFactory()
    url = reverse("admin:accounts_user_changelist")
    admin_client.post(url, {"action": "block", "_selected_action": [person.pk]})
    person.refresh_from_db()
    assert (
        not person.is_active
        and Event.objects.filter(action=Event.Action.PERSON_BLOCK, target_id=str(person.pk)).exists()
    )
    admin_client.post(url, {"action": "unblock", "_selected_action": [person.pk]})
    person.refresh_from_db()
    assert person.is_active
    form = admin_client.get(reverse("admin:accounts_user_change", args=[person.pk])).context["adminform"].form
    assert not {"is_active", "is_staff", "is_superuser", "groups"} & set(form.fields)
    assert User.objects.filter(pk=person.pk, is_staff=False).exists()


def test_the_change_log_names_the_person_a_request_was_assigned_to(staff_client, staff):
    from support import services as support_services
    from support.models import SupportRequest

    colleague = staff_member("Support", first_name="Oksana", last_name="Melnyk")
    request = SupportRequest.objects.create(email="client@example.com", subject="other", message="Please")
    support_services.support_request_assign(request=request, to=colleague, by=staff)
    page = staff_client.get(reverse("dashboard:audit_changes"), {"model": "support.supportrequest"})
    text = re.sub(r"\s+", " ", page.content.decode())
    assert "Oksana M" in text and f"> {colleague.pk}</dd>" not in text


def test_a_filter_that_is_not_valid_says_so_and_the_others_still_apply(staff_client, staff):
    blocked = UserFactory(first_name="Findable")
    account_services.user_deactivate(user=blocked, by=staff)
    account_services.user_deactivate(user=UserFactory(first_name="Other"), by=staff)

    response = staff_client.get(reverse("dashboard:audit"), {"person": "Findable", "ip": "not-an-address"})
    assert [e.target_label for e in response.context["page"].object_list] == [blocked.display_name]
    assert "Enter a valid IPv4 or IPv6 address." in response.content.decode()

    today = timezone.localdate()
    before = (today - dt.timedelta(days=3)).isoformat()
    response = staff_client.get(reverse("dashboard:audit"), {"date_from": today.isoformat(), "date_to": before})
    assert "This date is before the “From” date." in response.content.decode()
    assert len(response.context["page"].object_list) == 2  # from today on, the "To" left out
