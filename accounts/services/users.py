"""State changes for users, roles and mentor profiles."""

from collections.abc import Iterable
from decimal import Decimal

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _

from accounts import directory, hooks
from accounts import languages as language_names
from accounts.models import AccountDeletion, MentorProfile, Topic, User
from accounts.selectors import STAFF_ROLES, staff_role_of
from accounts.services.errors import AccountError
from audit.models import Event
from audit.services import event_record
from core.slugs import slugify


@transaction.atomic
def user_register(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    is_mentor: bool,
    timezone: str = "UTC",
    language: str = "en",
    photo: ContentFile | None = None,
    password_hash: str | None = None,
) -> User:
    """
    A new account. Sign-up (through allauth) passes the password already hashed; ``password=None``
    without a hash makes an account that signs in only through Google or GitHub.
    """
    user = User(
        email=User.objects.normalize_email(email).lower(),
        first_name=first_name,
        last_name=last_name,
        is_mentor=is_mentor,
        timezone=timezone,
        language=language,
    )
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    if photo is not None:
        user.photo.save(photo.name, photo, save=True)  # its path holds the new account's id
    if is_mentor:
        mentor_profile_ensure(user=user)
        directory.changed()
    return user


def user_update_language_if_default(*, user: User, language: str) -> User:
    """A new account made by a Google or GitHub sign-in speaks the language the visitor was browsing in."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        user_set_language(user=user, language=language)
    return user


def _unique_slug(user: User) -> str:
    """From the name, in Latin letters ("Марія Гнатюк": "mariia-hnatiuk"); never from the email address."""
    base = slugify(user.get_full_name()) or "mentor"
    base = base[:70]
    slug, n = base, 2
    while MentorProfile.objects.filter(slug=slug).exclude(user=user).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def mentor_profile_ensure(*, user: User) -> MentorProfile:
    """Return the user's mentor profile, creating it (with a unique public slug) if missing."""
    profile = MentorProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    profile = MentorProfile(user=user, slug=_unique_slug(user))
    profile.full_clean()
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        # Two requests at once (a double click): the one-profile-per-user constraint let the other win.
        existing = MentorProfile.objects.filter(user=user).first()
        if existing is None:
            raise
        return existing
    return profile


def user_set_language(*, user: User, language: str) -> User:
    """The language of the user's pages, emails and reminders."""
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language"])
    return user


def user_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    timezone: str,
    language: str,
    photo: ContentFile | None = None,
    remove_photo: bool = False,
    show_presence: bool | None = None,
) -> User:
    zone_changed = user.timezone != timezone
    user.first_name = first_name
    user.last_name = last_name
    user.timezone = timezone
    user.language = language
    fields = ["first_name", "last_name", "timezone", "language"]
    if show_presence is not None:
        user.show_presence = show_presence
        fields.append("show_presence")
    user.full_clean()
    old_photo = user.photo.name if user.photo else None
    if photo is not None or remove_photo:
        fields.append("photo")
        if photo is not None:
            user.photo.save(photo.name, photo, save=False)
        else:
            user.photo = None
    user.save(update_fields=fields)
    if "photo" in fields and old_photo and old_photo != (user.photo.name if user.photo else None):
        storage = user.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    if zone_changed:
        hooks.fire(hooks.TIMEZONE_CHANGED, user=user, now=dj_timezone.now())
    if user.is_mentor:
        directory.changed()
    return user


def mentor_profile_update(
    *,
    profile: MentorProfile,
    headline: str,
    bio: str,
    topics: Iterable[Topic],
    years_experience: int,
    price: Decimal,
    session_minutes: int,
    languages: str,
    is_free: bool | None = None,
    meeting_url: str | None = None,
    cancellation_policy: str | None = None,
) -> MentorProfile:
    """
    Save the public profile; ``meeting_url`` None keeps the current link (staff edits leave it alone).
    ``is_free`` is the mentor's explicit choice of free sessions (the price must then be 0; None keeps
    the current choice): a price of 0 without it is an unfinished profile, which the directory does
    not list.
    """
    profile.headline = headline
    profile.bio = bio
    profile.years_experience = years_experience
    profile.price = price
    if is_free is not None:
        profile.is_free = is_free
    profile.session_minutes = session_minutes
    profile.languages = language_names.normalize(languages)  # "українська" and "Ukrainian" are one
    if meeting_url is not None:
        profile.meeting_url = meeting_url
    if cancellation_policy is not None:  # applies to sessions paid from now on (a payment keeps its own)
        profile.cancellation_policy = cancellation_policy
    profile.full_clean()
    with transaction.atomic():
        profile.save(
            update_fields=[
                "headline",
                "bio",
                "years_experience",
                "price",
                "is_free",
                "session_minutes",
                "languages",
                "meeting_url",
                "cancellation_policy",
                "updated_at",
            ]
        )
        profile.topics.set(topics)
        directory.changed()
    return profile


def user_set_mentor(*, user: User, is_mentor: bool, by: User | None = None) -> User:
    """
    Give or take the mentor role. Giving it to a blocked (or departed) person is refused, and taking it
    while the mentor has upcoming bookings. A change made by someone else (staff) is in the audit log.
    """
    from schedule.selectors import has_upcoming_bookings_as_mentor  # schedule depends on accounts

    if is_mentor and not user.is_mentor and not user.is_active:
        raise AccountError(
            _("%(name)s is blocked or has left. Unblock them before making them a mentor.")
            % {"name": user.display_name}
        )
    if not is_mentor and user.is_mentor and has_upcoming_bookings_as_mentor(mentor=user):
        raise AccountError(
            _("%(name)s has upcoming bookings. Cancel them before removing the mentor role.")
            % {"name": user.display_name}
        )
    with transaction.atomic():
        was_mentor = user.is_mentor
        user.is_mentor = is_mentor
        user.save(update_fields=["is_mentor"])
        if is_mentor:
            mentor_profile_ensure(user=user)
        directory.changed()
        if by is not None and by.pk != user.pk and was_mentor != is_mentor:
            event_record(
                action=Event.Action.PERSON_ROLE, actor=by, target=user, changes={"mentor": [was_mentor, is_mentor]}
            )
    return user


@transaction.atomic
def mentor_become(*, user: User) -> MentorProfile:
    """
    A signed-in person makes themself a mentor and gets a (still empty) public profile to fill in.
    Idempotent: for someone who already is a mentor it only returns the profile. The profile is not
    listed until it is complete (see ``accounts.selectors.listed_mentors``), so nothing half-filled
    reaches the directory.
    """
    if not user.is_active:
        raise AccountError(_("This account is inactive."))
    if user.is_mentor:
        return mentor_profile_ensure(user=user)
    user_set_mentor(user=user, is_mentor=True)
    return mentor_profile_ensure(user=user)


def user_sessions_end(*, user: User) -> None:
    """
    Sign the person out on every device (allauth records each session they signed in with), and end
    what other apps gave them to act without a session (the api app's tokens).
    """
    for session in UserSession.objects.filter(user=user):
        session.end()
    hooks.fire(hooks.ACCESS_ENDED, user=user)


def user_set_staff_role(*, user: User, role: str, by: User) -> User:
    """
    Give a person one staff role (Support, Manager, Admin) or none (""): their staff flag follows. Nobody
    changes their own role, and only a superuser changes a superuser's. A new role ends the API tokens
    made before it (``hooks.STAFF_ROLE_GIVEN``). In the audit log.
    """
    from django.contrib.auth.models import Group

    if role and role not in STAFF_ROLES:
        raise AccountError(_("There is no such staff role."))
    if user.pk == by.pk:
        raise AccountError(_("You cannot change your own staff role."))
    if user.is_superuser and not by.is_superuser:
        raise AccountError(_("Only a superuser can change a superuser's role."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = staff_role_of(locked)
        if before == role:
            return user
        locked.groups.remove(*Group.objects.filter(name__in=STAFF_ROLES))
        if role:
            locked.groups.add(Group.objects.get(name=role))
        user.is_staff = locked.is_staff = bool(role) or locked.is_superuser
        locked.save(update_fields=["is_staff"])
        if role:
            hooks.fire(hooks.STAFF_ROLE_GIVEN, user=locked)
        event_record(action=Event.Action.PERSON_ROLE, actor=by, target=locked, changes={"staff_role": [before, role]})
    return user


def staff_rank(user: User) -> int:
    """0 for no staff role, then Support, Manager, Admin (``STAFF_ROLES``), a superuser above them all."""
    if user.is_superuser:
        return len(STAFF_ROLES) + 1
    if not user.is_staff:
        return 0
    role = staff_role_of(user)
    return STAFF_ROLES.index(role) + 1 if role else 0


def may_block(by: User, user: User) -> bool:
    """A staff member blocks or unblocks only people of a lower role (a superuser, anyone but superusers)."""
    if by.pk == user.pk:
        return False
    return by.is_superuser or not (user.is_staff or user.is_superuser) or staff_rank(by) > staff_rank(user)


def _require_outranks(by: User | None, user: User) -> None:
    if by is not None and not may_block(by, user):
        raise AccountError(_("Only someone with a higher staff role can block or unblock this person."))


@transaction.atomic
def user_deactivate(*, user: User, by: User | None = None) -> User:
    """
    Block a person: signed out on every device at once, refused at sign-in with a message that says
    so, a mentor gone from the directory, their sessions to come cancelled by staff ``by`` (clients
    refunded in full; ``hooks.PERSON_BLOCKED``); their history stays. In the audit log.
    """
    if by is not None and by.pk == user.pk:
        raise AccountError(_("You cannot deactivate your own account."))
    if by is not None and user.is_superuser and not by.is_superuser:
        raise AccountError(_("Only a superuser can deactivate a superuser."))
    _require_outranks(by, user)
    locked = User.objects.select_for_update().get(pk=user.pk)  # a double click blocks (and records) once
    if not locked.is_active:
        raise AccountError(_("This account is already blocked."))
    locked.is_active = user.is_active = False
    locked.save(update_fields=["is_active"])
    user_sessions_end(user=user)
    if by is not None:
        hooks.fire(hooks.PERSON_BLOCKED, user=locked, by=by, now=dj_timezone.now())
    if user.is_mentor:
        directory.changed()
    event_record(action=Event.Action.PERSON_BLOCK, actor=by, target=user, changes={"active": [True, False]})
    return user


@transaction.atomic
def user_reactivate(*, user: User, by: User | None = None) -> User:
    """Unblock a person. Someone who asked to leave is not brought back this way (they keep it themselves)."""
    if AccountDeletion.objects.pending().filter(user=user).exists() or user.deleted_at is not None:
        raise AccountError(_("This person asked to delete their account; only they can keep it."))
    _require_outranks(by, user)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        raise AccountError(_("This account is not blocked."))
    locked.is_active = user.is_active = True
    locked.save(update_fields=["is_active"])
    if user.is_mentor:
        directory.changed()
    event_record(action=Event.Action.PERSON_UNBLOCK, actor=by, target=user, changes={"active": [False, True]})
    return user
