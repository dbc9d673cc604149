import datetime as dt

import pytest
from post_office.models import PRIORITY, STATUS, Email

from accounts.export import user_data_export
from accounts.tests.factories import MentorFactory, UserFactory, staff_member
from mailings import emails, formatting, selectors, services
from mailings.models import Client, Mailing, MailingRun, Message, Recipient, Unsubscription
from mailings.tests.factories import NOW, ClientFactory, MessageFactory
from notifications.models import Notification
from schedule import services as schedule_services
from schedule.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db
MailingError = services.MailingError


def later(**kwargs):
    return NOW + dt.timedelta(**kwargs)


def outbox():
    return list(Email.objects.order_by("id"))


# --- Creating a mailing ---


def test_a_mailing_whose_start_has_passed_is_due_at_once(make_mailing, clients):
    mailing = make_mailing(start=later(hours=-1))
    assert mailing.next_run_at == later(hours=-1) and mailing.status == Mailing.Status.CREATED
    result = services.mailings_send_due(now=NOW)
    assert (result.started, result.recipients) == (1, 2)
    assert sorted(e.to[0] for e in outbox()) == ["ann@example.com", "sean@example.com"]


def test_the_data_export_has_the_mentors_clients_messages_and_mailings(make_mailing, clients, mentor, message):

    booked = ClientFactory(mentor=mentor, user=UserFactory(first_name="Mia", last_name="Lee"), email="mia@example.com")
    make_mailing(period=Mailing.Period.WEEKLY)
    data = user_data_export(mentor)
    assert [(c["email"], c["full_name"], c["booked_you"]) for c in data["mailing_clients"][:2]] == [
        ("sean@example.com", "Seán O'Brien & <Co>", False),
        ("ann@example.com", "Ann Lee", False),
    ]
    # A client who booked is another person's account: their name only, never their address.
    assert data["mailing_clients"][2] == {
        "name": "Mia Lee", "comment": "", "booked_you": True, "added_at": "2026-03-20T07:00:00Z"
    }  # fmt: skip
    assert "mia@example.com" not in str(data) and booked.pk
    assert data["mailing_messages"] == [
        {"subject": message.subject, "text": message.body, "written_at": "2026-03-20T07:00:00Z"}
    ]
    [mailing] = data["mailings"]
    assert (mailing["message"], mailing["repeat"], mailing["to_all_clients"]) == (message.subject, "weekly", True)


def test_a_future_mailing_waits_for_its_start(make_mailing, clients):
    mailing = make_mailing(start=later(hours=2))
    assert services.mailings_send_due(now=later(hours=1, minutes=59)).started == 0
    assert services.mailings_send_due(now=later(hours=2)).recipients == 2
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.FINISHED and mailing.next_run_at is None


def test_a_weekly_mailing_started_weeks_ago_sends_only_the_latest_run_not_every_missed_one(make_mailing, clients):
    mailing = make_mailing(period=Mailing.Period.WEEKLY, start=later(days=-20), end=later(days=30))
    assert mailing.next_run_at == later(days=-6)
    services.mailings_send_due(now=NOW)
    assert list(mailing.runs.values_list("scheduled_for", flat=True)) == [later(days=-6)]
    mailing.refresh_from_db()
    assert mailing.next_run_at == later(days=1) and mailing.status == Mailing.Status.RUNNING


def test_only_a_verified_mentor_can_create_a_mailing(message):
    unverified = MentorFactory(email_verified=False)
    own = MessageFactory(mentor=unverified)
    with pytest.raises(MailingError) as error:
        services.mailing_create(
            mentor=unverified, message=own, start_at=later(hours=1), end_at=later(days=1), period="once", now=NOW
        )
    assert error.value.code == "unverified"
    assert not Mailing.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (later(hours=2), later(hours=1), "end_before_start"),
        (later(days=-3), later(hours=-1), "ended"),
        (later(days=400), later(days=401), "too_far"),
        (later(hours=1), later(days=3 * 366 + 2), "too_long"),
    ],
)
def test_a_window_that_makes_no_sense_is_refused(make_mailing, start, end, code):
    with pytest.raises(MailingError) as error:
        make_mailing(start=start, end=end)
    assert error.value.code == code and not Mailing.objects.exists()


def test_a_single_mailing_whose_start_passed_long_ago_still_sends_once_before_its_end(make_mailing, clients):
    make_mailing(start=later(days=-2), end=later(days=1))
    assert services.mailings_send_due(now=NOW).recipients == 2


def test_another_mentors_message_or_client_is_refused(mentor, message, clients):
    other = MentorFactory()
    foreign_client = ClientFactory(mentor=other)
    with pytest.raises(MailingError):
        services.mailing_create(
            mentor=other, message=message, start_at=later(hours=1), end_at=later(days=1), period="once", now=NOW
        )
    with pytest.raises(MailingError):
        services.mailing_create(
            mentor=mentor,
            message=message,
            start_at=later(hours=1),
            end_at=later(days=1),
            period="once",
            clients=[clients[0], foreign_client],
            now=NOW,
        )
    assert not Mailing.objects.exists()


def test_the_number_of_chosen_clients_has_a_limit(settings, make_mailing, clients):
    settings.MAILINGS_MAX_RECIPIENTS = 1
    with pytest.raises(MailingError) as error:
        make_mailing(chosen=clients)
    assert error.value.code == "too_many"


def test_a_mentor_has_at_most_twenty_mailings_going(make_mailing):
    for _ in range(20):
        make_mailing()
    with pytest.raises(MailingError) as error:
        make_mailing()
    assert error.value.code == "too_many_mailings"


# --- Runs ---


def test_a_mailing_to_chosen_clients_goes_to_them_only(make_mailing, clients):
    make_mailing(chosen=[clients[1]], start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    assert [e.to for e in outbox()] == [["ann@example.com"]]


def test_each_client_gets_each_run_once_however_often_the_sweep_runs(make_mailing, clients):
    mailing = make_mailing(period=Mailing.Period.DAILY, start=later(minutes=-1), end=later(days=3))
    for minutes in (0, 1, 2, 30):
        services.mailings_send_due(now=later(minutes=minutes))
    assert len(outbox()) == 2 and mailing.runs.count() == 1
    services.mailings_send_due(now=later(days=1))
    assert len(outbox()) == 4 and mailing.runs.count() == 2


def test_a_periodic_mailing_stops_at_its_end(make_mailing, clients):
    mailing = make_mailing(period=Mailing.Period.DAILY, start=later(minutes=-1), end=later(days=1, minutes=-2))
    services.mailings_send_due(now=NOW)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.FINISHED and mailing.next_run_at is None
    assert services.mailings_send_due(now=later(days=1)).started == 0
    assert mailing.runs.count() == 1


def test_the_end_passing_while_nothing_ran_sends_nothing_late(make_mailing, clients):
    mailing = make_mailing(start=later(hours=1), end=later(hours=2))
    assert services.mailings_send_due(now=later(hours=3)).started == 0
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.FINISHED and not outbox()


def test_a_client_who_booked_is_a_client_and_gets_the_mailing(mentor, make_mailing):
    mentee = UserFactory(first_name="Bo", last_name="Booker")
    slot = SlotFactory(mentor=mentor)
    schedule_services.booking_create(slot_id=slot.pk, mentee=mentee)
    client = Client.objects.get(mentor=mentor)
    assert (client.user, client.email, client.full_name) == (mentee, mentee.email.lower(), "Bo Booker")
    make_mailing(start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    mailing_mail = [e for e in outbox() if e.headers.get("X-Mentorship-Kind") == "mailing"]
    assert [e.to for e in mailing_mail] == [[mentee.email]]
    assert "Hello Bo," in mailing_mail[0].message


def test_a_client_who_left_the_platform_gets_nothing(mentor, make_mailing):
    gone = UserFactory(is_active=False)
    Client.objects.create(mentor=mentor, user=gone, email=gone.email, created_at=NOW)
    make_mailing(start=later(minutes=-1))
    assert services.mailings_send_due(now=NOW).recipients == 0


def test_a_client_who_blocks_the_mentor_in_messages_gets_no_mailing(mentor, make_mailing):
    from messaging.models import Conversation

    blocker, other = UserFactory(), UserFactory()
    for person in (blocker, other):
        Client.objects.create(mentor=mentor, user=person, email=person.email, created_at=NOW)
    Conversation.objects.create(mentor=mentor, mentee=blocker, mentee_blocks=True, created_at=NOW)
    make_mailing(start=later(minutes=-1))
    assert services.mailings_send_due(now=NOW).recipients == 1
    assert [e.to for e in outbox()] == [[other.email]]


def test_the_daily_limit_leaves_the_rest_of_a_run_out_and_says_so(settings, mentor, make_mailing):
    settings.MAILINGS_DAILY_LIMIT = 3
    for n in range(5):
        ClientFactory(mentor=mentor, email=f"c{n}@example.com")
    make_mailing(period=Mailing.Period.DAILY, start=later(minutes=-1), end=later(days=5))
    result = services.mailings_send_due(now=NOW)
    assert (result.recipients, result.capped) == (3, 2)
    assert MailingRun.objects.get().capped == 2
    # The window is a rolling 24 hours: the next day's run has its three again.
    assert services.mailings_send_due(now=later(days=1)).recipients == 3


def test_the_daily_limit_counts_every_mailing_of_the_mentor(settings, mentor, make_mailing, clients):
    settings.MAILINGS_DAILY_LIMIT = 3
    make_mailing(start=later(minutes=-1))
    make_mailing(start=later(minutes=-1))
    result = services.mailings_send_due(now=NOW)
    assert (result.recipients, result.capped) == (3, 1)


def test_a_run_has_at_most_the_recipient_limit(settings, mentor, make_mailing):
    settings.MAILINGS_MAX_RECIPIENTS = 2
    for n in range(4):
        ClientFactory(mentor=mentor, email=f"c{n}@example.com")
    make_mailing(start=later(minutes=-1))
    assert services.mailings_send_due(now=NOW).recipients == 2


def test_a_run_of_a_mentor_who_is_no_longer_verified_is_not_sent(mentor, make_mailing, clients):
    mailing = make_mailing(start=later(minutes=5))
    mentor.emailaddress_set.update(verified=False)
    result = services.mailings_send_due(now=later(minutes=5))
    assert (result.started, result.skipped, result.recipients) == (1, 1, 0)
    assert mailing.runs.get().note == "unverified"


def test_a_run_taken_over_after_its_sender_died_goes_on_where_it_stopped(make_mailing, clients):
    mailing = make_mailing(start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    run = mailing.runs.get()
    Recipient.objects.filter(address="ann@example.com").delete()  # as if the sender died after one batch
    MailingRun.objects.filter(pk=run.pk).update(status=MailingRun.Status.QUEUEING, claimed_at=NOW)
    assert services.mailings_send_due(now=later(minutes=5)).recipients == 0  # still under the lease
    assert services.mailings_send_due(now=later(minutes=11)).recipients == 1
    assert sorted(run.recipients.values_list("address", flat=True)) == ["ann@example.com", "sean@example.com"]


def test_one_mailing_only_with_mailing_id(make_mailing, clients):
    first = make_mailing(start=later(minutes=-1))
    make_mailing(start=later(minutes=-1))
    result = services.mailings_send_due(now=NOW, mailing_id=first.pk)
    assert (result.started, result.recipients) == (1, 2)
    assert Recipient.objects.filter(run__mailing=first).count() == 2 and Recipient.objects.count() == 2


# --- The email ---


def test_the_email_has_the_unsubscribe_headers_a_reply_to_and_escaped_names(mentor, message, make_mailing, clients):
    services.message_save(
        mentor=mentor,
        message=message,
        subject=message.subject,
        body="Hello {full_name},\n\nTime to **practise** again.",
    )
    make_mailing(start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    email = Email.objects.get(to=["sean@example.com"])
    link = emails.unsubscribe_url(mentor_id=mentor.pk, email="sean@example.com")
    assert email.headers["List-Unsubscribe"] == f"<{link}>"
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.headers["Reply-To"] == mentor.email
    assert email.priority == PRIORITY.low  # booking mail goes first
    assert email.subject == "News from Max Mentor"
    assert "Hello Seán O'Brien & <Co>," in email.message and link in email.message
    assert "Hello Seán O&#x27;Brien &amp; &lt;Co&gt;," in email.html_message
    assert "<strong>practise</strong>" in email.html_message and link in email.html_message
    sent = email.email_message()
    assert "X-Mentorship-Mailing-Run" in email.headers  # for our log; delivery strips X-Mentorship-* headers
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_message_cannot_smuggle_html_or_scripts_into_the_email(mentor, message, make_mailing, clients):
    services.message_save(
        mentor=mentor,
        message=message,
        subject="Hi\r\nBcc: evil@example.com",
        body="<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://ok.example)",
    )
    make_mailing(start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    email = Email.objects.get(to=["ann@example.com"])
    assert "<script" not in email.html_message and "<img" not in email.html_message
    assert 'href="javascript' not in email.html_message  # shown as text, never a link
    assert 'href="https://ok.example"' in email.html_message
    assert "\n" not in email.subject and email.subject == "Hi Bcc: evil@example.com"


# --- Unsubscribing ---


def test_an_unsubscribed_address_gets_nothing_more_from_that_mentor_even_if_added_again(mentor, make_mailing, clients):
    token = emails.unsubscribe_token(mentor_id=mentor.pk, email="Ann@Example.com")
    assert emails.read_token(token) == (mentor.pk, "ann@example.com")
    assert services.unsubscribe(mentor_id=mentor.pk, email="ann@example.com", now=NOW) is True
    assert services.unsubscribe(mentor_id=mentor.pk, email="ANN@example.com", now=NOW) is False
    services.client_remove(client=clients[1], by=mentor)
    services.client_add(mentor=mentor, email="ann@example.com", full_name="Ann again")
    make_mailing(start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    assert [e.to for e in outbox()] == [["sean@example.com"]]


def test_unsubscribing_from_one_mentor_leaves_another_mentors_mailings(mentor, make_mailing, clients):
    other = MentorFactory()
    services.unsubscribe(mentor_id=other.pk, email="ann@example.com", now=NOW)
    make_mailing(start=later(minutes=-1))
    assert services.mailings_send_due(now=NOW).recipients == 2


def test_unsubscribing_expires_that_mentors_mail_still_waiting_in_the_outbox(mentor, make_mailing, clients):
    make_mailing(start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    services.unsubscribe(mentor_id=mentor.pk, email="ann@example.com", now=NOW)
    assert Email.objects.get(to=["ann@example.com"]).expires_at == NOW
    assert Email.objects.get(to=["sean@example.com"]).expires_at is None


def test_a_forged_or_altered_token_is_not_read(mentor):
    token = emails.unsubscribe_token(mentor_id=mentor.pk, email="ann@example.com")
    assert emails.read_token(token[:-2] + "xx") is None
    assert emails.read_token("nonsense") is None
    assert emails.read_token("") is None


# --- Pause, resume, end ---


def test_a_paused_mailing_sends_nothing_and_resumes_with_the_latest_due_run(make_mailing, mentor, clients):
    mailing = make_mailing(period=Mailing.Period.DAILY, start=later(minutes=-1), end=later(days=10))
    services.mailings_send_due(now=NOW)
    services.mailing_pause(mailing=mailing, by=mentor)
    assert services.mailings_send_due(now=later(days=3)).started == 0
    services.mailing_resume(mailing=mailing, by=mentor, now=later(days=3))
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.RUNNING
    services.mailings_send_due(now=later(days=3))
    assert list(mailing.runs.order_by("scheduled_for").values_list("scheduled_for", flat=True)) == [
        later(minutes=-1),
        later(days=3, minutes=-1),
    ]


def test_pausing_twice_or_resuming_a_running_mailing_is_refused(make_mailing, mentor):
    mailing = make_mailing()
    with pytest.raises(MailingError):
        services.mailing_resume(mailing=mailing, by=mentor)
    services.mailing_pause(mailing=mailing, by=mentor)
    with pytest.raises(MailingError):
        services.mailing_pause(mailing=mailing, by=mentor)


def test_an_ended_mailing_sends_nothing_more_and_its_waiting_run_is_skipped(make_mailing, mentor, clients):
    mailing = make_mailing(period=Mailing.Period.WEEKLY, start=later(minutes=-1))
    MailingRun.objects.create(mailing=mailing, scheduled_for=mailing.start_at, created_at=NOW)
    services.mailing_end(mailing=mailing, by=mentor)
    mailing.refresh_from_db()
    assert (mailing.status, mailing.next_run_at) == (Mailing.Status.FINISHED, None)
    assert services.mailings_send_due(now=later(days=7)).recipients == 0
    assert mailing.runs.get().status == MailingRun.Status.SKIPPED


def test_another_mentor_cannot_pause_resume_or_end(make_mailing):
    mailing = make_mailing()
    other = MentorFactory()
    for service in (services.mailing_pause, services.mailing_resume, services.mailing_end):
        with pytest.raises(MailingError):
            service(mailing=mailing, by=other)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.CREATED


# --- Staff ---


def test_a_manager_disables_a_mailing_with_a_reason_the_mentor_is_told(make_mailing, mentor, clients):
    manager = staff_member("Manager")
    mailing = make_mailing(period=Mailing.Period.DAILY, start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    services.mailing_disable(mailing=mailing, by=manager, reason="  Complaints   of spam ", now=NOW)
    mailing.refresh_from_db()
    assert (mailing.status, mailing.disabled_reason, mailing.disabled_by) == ("disabled", "Complaints of spam", manager)
    note = Notification.objects.get(recipient=mentor, kind="mailing_disabled")
    assert "Complaints of spam" in str(note.params)
    assert services.mailings_send_due(now=later(days=1)).started == 0
    with pytest.raises(MailingError):  # the mentor cannot resume it
        services.mailing_resume(mailing=mailing, by=mentor)
    services.mailing_enable(mailing=mailing, by=manager, now=later(days=1))
    mailing.refresh_from_db()
    assert (mailing.status, mailing.disabled_reason, mailing.disabled_at) == ("running", "", None)
    assert services.mailings_send_due(now=later(days=1)).started == 1


def unsent():
    """The addresses whose mailing emails the outbox would still send."""
    return sorted(e.to[0] for e in Email.objects.filter(status=STATUS.queued, expires_at__isnull=True))


def test_disabling_a_mailing_stops_its_emails_still_in_the_outbox(make_mailing, clients):
    mailing = make_mailing(period=Mailing.Period.DAILY, start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    assert unsent() == ["ann@example.com", "sean@example.com"]
    services.mailing_disable(mailing=mailing, by=staff_member("Manager"), reason="Spam", now=NOW)
    assert unsent() == []
    figures = selectors.statistics(Recipient.objects.filter(run__mailing=mailing))
    assert (figures["queued"], figures["waiting"], figures["stopped"]) == (2, 0, 2)


def test_a_one_off_mailing_still_sending_can_be_disabled_and_a_finished_one_cannot(make_mailing, clients):
    manager = staff_member("Manager")
    mailing = make_mailing(start=later(minutes=-1))  # once: finished as soon as its run is queued
    services.mailings_send_due(now=NOW)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.FINISHED and len(unsent()) == 2
    services.mailing_disable(mailing=mailing, by=manager, reason="Spam", now=NOW)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DISABLED and unsent() == []
    services.mailing_enable(mailing=mailing, by=manager, now=NOW)  # nothing more to send: finished
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.FINISHED and unsent() == []
    with pytest.raises(MailingError, match="still sending"):
        services.mailing_disable(mailing=mailing, by=manager, reason="Spam", now=NOW)


def test_a_blocked_mentors_mailing_emails_still_in_the_outbox_are_not_sent(make_mailing, mentor, clients):
    from accounts.services import user_deactivate

    make_mailing(start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    assert len(unsent()) == 2
    user_deactivate(user=mentor, by=staff_member("Manager"))
    assert unsent() == []


def test_a_mailing_the_mentor_had_paused_stays_paused_when_staff_enable_it(make_mailing, mentor):
    manager = staff_member("Manager")
    mailing = make_mailing(period=Mailing.Period.DAILY, start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    services.mailing_pause(mailing=mailing, by=mentor)
    services.mailing_disable(mailing=mailing, by=manager, reason="Complaints of spam", now=NOW)
    services.mailing_enable(mailing=mailing, by=manager, now=later(days=1))
    mailing.refresh_from_db()
    assert (mailing.status, mailing.paused_when_disabled) == ("paused", False)
    assert services.mailings_send_due(now=later(days=1)).started == 0  # the pause is the mentor's to lift
    services.mailing_resume(mailing=mailing, by=mentor, now=later(days=1))
    assert services.mailings_send_due(now=later(days=1)).started == 1


@pytest.mark.parametrize("role", ["Support", None])
def test_staff_without_the_permission_cannot_disable(make_mailing, role):
    mailing = make_mailing()
    with pytest.raises(MailingError):
        services.mailing_disable(mailing=mailing, by=staff_member(role), reason="x")
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.CREATED


def test_disabling_needs_a_reason(make_mailing):
    mailing = make_mailing()
    with pytest.raises(MailingError):
        services.mailing_disable(mailing=mailing, by=staff_member("Manager"), reason="   ")


# --- Clients and messages ---


def test_hand_added_clients_have_a_limit_and_no_duplicates(settings, mentor):
    settings.MAILINGS_MAX_CLIENTS = 2
    services.client_add(mentor=mentor, email=" One@Example.com ", full_name="One")
    with pytest.raises(MailingError) as error:
        services.client_add(mentor=mentor, email="one@example.com")
    assert error.value.code == "duplicate"
    services.client_add(mentor=mentor, email="two@example.com")
    with pytest.raises(MailingError) as error:
        services.client_add(mentor=mentor, email="three@example.com")
    assert error.value.code == "too_many"
    assert sorted(Client.objects.values_list("email", flat=True)) == ["one@example.com", "two@example.com"]


def test_a_client_who_booked_cannot_be_removed_nor_their_address_changed(mentor):
    mentee = UserFactory()
    booked = Client.objects.create(mentor=mentor, user=mentee, email=mentee.email, created_at=NOW)
    with pytest.raises(MailingError):
        services.client_remove(client=booked, by=mentor)
    services.client_update(client=booked, by=mentor, email="other@example.com", full_name="Nick", comment="Python")
    booked.refresh_from_db()
    assert (booked.email, booked.full_name, booked.comment) == (mentee.email, "Nick", "Python")


def test_a_mentor_changes_only_their_own_clients_and_messages(mentor, clients, message):
    other = MentorFactory()
    with pytest.raises(MailingError):
        services.client_update(client=clients[0], by=other, email="x@example.com", full_name="", comment="")
    with pytest.raises(MailingError):
        services.client_remove(client=clients[0], by=other)
    with pytest.raises(MailingError):
        services.message_save(mentor=other, message=message, subject="x", body="y")
    with pytest.raises(MailingError):
        services.message_delete(message=message, by=other)
    assert Client.objects.count() == 2 and message.subject == "News from {mentor_name}"


def test_a_message_with_an_unknown_variable_is_not_saved_but_other_braces_are_fine(mentor, message):
    with pytest.raises(MailingError) as refused:
        services.message_save(
            mentor=mentor, message=message, subject="Hi {firstname}", body="See {First_Name} and {hmm}"
        )
    assert refused.value.code == "unknown_variable"
    assert refused.value.message == (
        "There is no variable {firstname}, {First_Name}, {hmm}. You can use {first_name}, {full_name}, {mentor_name}."
    )
    message.refresh_from_db()
    assert message.subject == "News from {mentor_name}"
    saved = services.message_save(mentor=mentor, subject="{first_name}", body="Code: {'a': 1}, {2}, {a b}, {}")
    assert saved.body == "Code: {'a': 1}, {2}, {a b}, {}"
    # A name in double braces is text: the client reads it in single braces, never filled in.
    saved = services.message_save(mentor=mentor, subject="{first_name}", body="Type {{first_name}} or {{word}}")
    assert formatting.fill(saved.body, {"first_name": "Ann"}) == "Type {first_name} or {word}"


def test_a_message_saved_before_the_check_cannot_start_a_mailing_until_it_is_fixed(make_mailing, message):
    Message.objects.filter(pk=message.pk).update(body="Hi {firstname}")  # as an older version let it be saved
    message.refresh_from_db()
    with pytest.raises(MailingError) as refused:
        make_mailing()
    assert refused.value.code == "unknown_variable" and not Mailing.objects.exists()


def test_a_mailing_deleted_after_its_page_was_read_shows_no_figures_rather_than_failing(make_mailing, mentor):
    from django.core.paginator import Paginator

    from mailings import selectors

    mailing = make_mailing()
    page = Paginator(selectors.mailings_of(mentor), 25).get_page(1)
    page.object_list = list(page.object_list)
    Mailing.objects.filter(pk=mailing.pk).delete()  # the mentor's account left meanwhile, say
    shown = selectors.with_figures(page).object_list[0]
    assert (shown.run_count, shown.queued, shown.delivered, shown.failed) == (0, 0, 0, 0)


def test_a_message_in_use_cannot_be_deleted(make_mailing, mentor, message):
    make_mailing()
    with pytest.raises(MailingError) as error:
        services.message_delete(message=message, by=mentor)
    assert error.value.code == "in_use"


def test_leaving_the_platform_removes_the_person_from_client_lists_and_ends_a_mentors_mailings(
    mentor, make_mailing, clients
):
    mentee = UserFactory()
    Client.objects.create(mentor=mentor, user=mentee, email=mentee.email, created_at=NOW)
    mailing = make_mailing(start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    services.user_mailings_erase(user=mentee, now=NOW)
    assert not Client.objects.filter(user=mentee).exists()
    assert not Recipient.objects.filter(address=mentee.email.lower()).exists()
    services.user_mailings_erase(user=mentor, now=NOW)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.FINISHED
    assert not Client.objects.filter(mentor=mentor).exists()
    assert all(e.expires_at == NOW for e in Email.objects.filter(status=STATUS.queued))
    assert Unsubscription.objects.count() == 0


def test_a_mentor_with_mailings_can_be_deleted_with_everything_of_theirs(make_mailing, mentor, clients):
    make_mailing(start=later(minutes=-1))
    services.mailings_send_due(now=NOW)
    mentor.delete()
    assert not Mailing.objects.exists() and not Client.objects.exists() and not Recipient.objects.exists()
