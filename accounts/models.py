import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts import languages
from accounts.timezones import validate_timezone

AVATAR_COLOURS = 8


class EmailUserManager(UserManager):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


def user_photo_path(instance, filename):
    return f"avatars/{instance.pk or 'new'}/{filename}"


class User(AbstractUser):
    """A person on the platform: a mentee by default, a mentor when ``is_mentor`` is set."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    is_mentor = models.BooleanField(
        _("mentor"), default=False, help_text=_("Mentors publish availability and take bookings.")
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_timezone])
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    photo = models.ImageField(_("photo"), upload_to=user_photo_path, blank=True)
    show_presence = models.BooleanField(
        _("show when I am online"), default=True, help_text=_("Others see “Online now” or when you were last online.")
    )
    # Set when the account is anonymised after a deletion request (``accounts.services.deletion``): the
    # row stays so the other side's bookings still read, and the person shows as "Deleted user".
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    objects = EmailUserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def has_staff_perm(self, codename: str) -> bool:
        """
        Active staff holding ``accounts.<codename>`` (``StaffPermission``) through a role, or a superuser,
        with a second factor: staff powers need one wherever they are used (an article's page, the API),
        not only on the staff pages (``StaffSecurityMiddleware`` sends them there to set one up).
        """
        return (
            self.is_active
            and self.is_staff
            and self.has_perm(f"accounts.{codename}")
            and self.has_sign_in_second_factor
        )

    @cached_property
    def has_sign_in_second_factor(self) -> bool:
        """An authenticator app or a security key (recovery codes alone are not asked for at sign-in)."""
        from allauth.mfa.models import Authenticator  # allauth's models import this one
        from allauth.mfa.utils import is_mfa_enabled

        return is_mfa_enabled(self, types=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])

    @property
    def display_name(self) -> str:
        if self.deleted_at is not None:
            return gettext("Deleted user")
        return self.get_full_name() or self.email.split("@")[0]

    @property
    def short_name(self) -> str:
        """
        "Petro S.": the first name and the initial of the last one; enough to be a real person, not
        enough to find them. Empty without a first name (never any part of the email address).
        """
        if self.deleted_at is not None:
            return gettext("Deleted user")
        first, last = self.first_name.strip(), self.last_name.strip()
        if not first:
            return ""
        return f"{first} {last[0]}." if last else first

    @property
    def public_name(self) -> str:
        """
        How pages anyone can read name this person (a comment): a mentor by their full name, as their
        public profile does; anyone else by ``short_name``. Empty when there is no name to show.
        """
        if self.is_mentor and self.deleted_at is None:
            return self.get_full_name()
        return self.short_name

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p]
        if not parts:
            parts = [self.email]
        return "".join(p[0] for p in parts[:2]).upper()

    @property
    def avatar_colour(self) -> int:
        """A stable colour index for the generated initials avatar."""
        return int(hashlib.md5(self.email.encode(), usedforsecurity=False).hexdigest(), 16) % AVATAR_COLOURS


class Topic(models.Model):
    """A subject mentors teach. Its name is the platform's text, so it is kept in every language."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    name_uk = models.CharField(_("name in Ukrainian"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (English when no translation has been entered)."""
        if self.name_uk and (get_language() or "").startswith("uk"):
            return self.name_uk
        return self.name


class CancellationPolicy(models.TextChoices):
    """How much of a paid session comes back when the client cancels (``payments.policy`` holds the tiers)."""

    FLEXIBLE = "flexible", _("Flexible")
    STANDARD = "standard", _("Standard")
    STRICT = "strict", _("Strict")


class MentorProfile(models.Model):
    """
    The public face of a mentor: what they teach, for how much, in which languages. It is listed in
    the directory only once it is complete (``accounts.selectors.listed_mentors`` holds the rule).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile", verbose_name=_("person")
    )
    slug = models.SlugField(_("public address"), max_length=80, unique=True)
    headline = models.CharField(_("headline"), max_length=120, blank=True)
    bio = models.TextField(_("about"), blank=True, max_length=5000)
    topics = models.ManyToManyField(Topic, related_name="mentors", blank=True, verbose_name=_("topics"))
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"), default=0, validators=[MaxValueValidator(70)]
    )
    price = models.DecimalField(
        _("price per session"),
        max_digits=8,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    # A price of 0 is also the default of a profile nobody has filled in: only this box makes it "free".
    is_free = models.BooleanField(
        _("sessions are free"),
        default=False,
        help_text=_("Tick this if you offer sessions at no charge; leave the price at 0."),
    )
    cancellation_policy = models.CharField(
        _("cancellation policy"),
        max_length=16,
        choices=CancellationPolicy.choices,
        default=CancellationPolicy.STANDARD,
        help_text=_(
            "Flexible: a full refund up to 4 hours before, half after. Standard: full up to 24 hours before, "
            "half up to 2 hours. Strict: full up to 72 hours before, half up to 24 hours."
        ),
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("default session length (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    languages = models.CharField(
        _("languages spoken"), max_length=200, blank=True, help_text=_("For example: English, Ukrainian")
    )
    meeting_url = models.URLField(
        _("your meeting link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_(
            "Your personal Zoom, Google Meet or Teams link (https). Leave it empty and every booking gets "
            "its own private video room."
        ),
    )
    # Kept by the reviews app's services from the visible reviews, in the transaction that changes them,
    # so a list of mentors shows ratings without a query per mentor. No reviews: no average.
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    review_count = models.PositiveIntegerField(_("reviews"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_free=False) | models.Q(price=0), name="accounts_mentorprofile_free_has_no_price"
            ),
            models.CheckConstraint(
                condition=models.Q(review_count=0, rating_average__isnull=True)
                | models.Q(
                    review_count__gt=0, rating_average__isnull=False, rating_average__gte=1, rating_average__lte=5
                ),
                name="accounts_mentorprofile_rating_matches_count",
            ),
        ]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("accounts:mentor_detail", kwargs={"slug": self.slug})

    @property
    def is_paid(self) -> bool:
        """Its sessions are paid for at booking, through the checkout."""
        return not self.is_free and self.price > 0

    def clean(self):
        super().clean()
        if self.is_free and self.price:
            raise ValidationError(
                {"price": _("Free sessions have no price: set it to 0, or untick “Sessions are free”.")}
            )

    @property
    def language_list(self) -> list[str]:
        """The languages as pages show them: a known one in the reader's language ("Українська")."""
        return [languages.label(name) for name in languages.split(self.languages)]


class AccountDeletionQuerySet(models.QuerySet):
    def pending(self):
        """Requests neither kept (the person came back) nor carried out yet."""
        return self.filter(cancelled_at__isnull=True, completed_at__isnull=True)


class AccountDeletion(models.Model):
    """
    A person's request to leave the platform. The account is closed from ``requested_at``; signing in
    before ``due_at`` and choosing "Keep my account" cancels the request (``cancelled_at``); after
    ``due_at`` the deletion job anonymises the account (``completed_at``). One row per person: asking
    again after keeping the account reuses it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_deletion", verbose_name=_("user")
    )
    requested_at = models.DateTimeField(_("requested"))
    due_at = models.DateTimeField(_("deleted from"))
    cancelled_at = models.DateTimeField(_("kept"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = AccountDeletionQuerySet.as_manager()

    class Meta:
        verbose_name = _("account deletion")
        verbose_name_plural = _("account deletions")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gte=F("requested_at")), name="accounts_accountdeletion_due_after_request"
            ),
            # A request is kept or carried out, never both.
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | Q(completed_at__isnull=True),
                name="accounts_accountdeletion_kept_or_completed",
            ),
        ]
        indexes = [
            # What the deletion job looks for every 15 minutes: pending requests that are due.
            models.Index(
                fields=["due_at"],
                condition=Q(cancelled_at__isnull=True, completed_at__isnull=True),
                name="accounts_deletion_pending_due",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.due_at:%Y-%m-%d})"

    @property
    def is_pending(self) -> bool:
        return self.cancelled_at is None and self.completed_at is None


class StaffPermission(models.Model):
    """
    No table: the home of the staff permissions that the roles (groups: Admin, Manager, Support, made by
    migration 0011) are built from, and that every dashboard page and action checks. Superusers hold
    them all.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("See every dashboard page: figures, people, slots, mail, payments, reviews")),
            ("view_bookings", _("See bookings")),
            ("change_schedule", _("Create, edit and cancel slots and bookings for others")),
            ("change_people", _("Edit mentor profiles and roles")),
            ("block_people", _("Block and unblock people")),
            ("moderate_content", _("Hide and show reviews, remove comments and articles; read reported conversations")),
            ("handle_support", _("Read and answer support requests")),
            ("view_payments", _("See payments and refunds")),
            ("run_site", _("Maintenance mode and mail delivery")),
            ("export_data", _("Export bookings")),
            ("view_audit_log", _("Read the audit log")),
            ("disable_mailings", _("Disable and re-enable mentors' mailings")),
        ]

    def __str__(self):
        return "staff permissions"
