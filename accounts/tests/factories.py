import datetime as dt
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal import auth as totp_auth
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import MentorProfile, Topic, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    timezone = "Europe/Kyiv"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def email_verified(obj, create, extracted, **kwargs):
        """A confirmed address, as most people on the platform have; ``email_verified=False`` for one without."""
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=extracted is not False)


def enable_mfa(user: User) -> str:
    """Turn on an authenticator app for ``user``; return its secret (``totp_code(secret)`` gives a code)."""
    secret = totp_auth.generate_totp_secret()
    totp_auth.TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now."""
    return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, int(time.time()) // 30))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class MentorFactory(UserFactory):
    is_mentor = True
    profile = factory.RelatedFactory("accounts.tests.factories.MentorProfileFactory", factory_related_name="user")


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile
        django_get_or_create = ["user"]
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, is_mentor=True)
    slug = factory.Sequence(lambda n: f"mentor-{n}")
    headline = "Helps people ship software"
    price = 50
    languages = "English, Ukrainian"

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.topics.set(extracted)


class ListedMentorFactory(MentorFactory):
    """
    A mentor the directory lists: the profile has a headline and a price (MentorProfileFactory), a
    topic ("Careers" unless ``profile__topics`` gives others) and one bookable slot two days ahead
    (``listed__start=...`` moves it).
    """

    @factory.post_generation
    def listed(obj, create, extracted, **kwargs):
        if not create:
            return
        from schedule.tests.factories import SlotFactory  # schedule's factories build on these ones

        profile = obj.mentor_profile
        if not profile.topics.exists():
            profile.topics.add(TopicFactory(name="Careers"))
        kwargs.setdefault("start", timezone.now().replace(microsecond=0) + dt.timedelta(days=2))
        SlotFactory(mentor=obj, **kwargs)


def staff_member(role: str | None = "Admin", *, mfa: bool = True, **kwargs) -> User:
    """A staff account in one of the roles (Admin, Manager, Support; None: staff with no role), with TOTP."""
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True, **kwargs)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if mfa:
        enable_mfa(user)
    return user
