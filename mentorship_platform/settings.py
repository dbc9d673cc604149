"""
Settings for the mentorship platform.

Everything that differs between a laptop and production comes from environment variables (or an
optional ``.env`` file next to ``manage.py``), read through django-environ. Every variable is listed,
with its default, in the README and in ``.env.example``.
"""

import datetime
import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- CORE ---
# Off unless set; manage.py (not gunicorn) defaults it on when DEBUG is set nowhere, including .env.
DEBUG = env.bool("DEBUG", default=env.bool("MANAGE_PY_DEVELOPMENT_DEFAULTS", default=False))

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "accounts",  # first: its runserver adds the demo logins to the start-up banner
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "mentorship_platform.apps.ScheduledJobsConfig",  # django_apscheduler, named in both languages
    "mentorship_platform.apps.OutgoingMailConfig",  # post_office
    "allauth",
    "mentorship_platform.apps.EmailAddressesConfig",  # allauth.account
    "mentorship_platform.apps.SecondFactorConfig",  # allauth.mfa, its model named in both languages
    "mentorship_platform.apps.SignedInDevicesConfig",  # allauth.usersessions
    "mentorship_platform.apps.SocialAccountsConfig",  # allauth.socialaccount
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "csp",
    "channels",  # its system checks refuse django-csp 3 style CSP_* settings
    "core",
    "schedule",
    "dashboard",
    "notifications",
    "messaging",
    "payments",
    "reviews",
    "support",
    "articles",
    "django.contrib.sitemaps",
    "mailings",
    "ops",
    "mentorship_platform.apps.DataChangesConfig",  # auditlog
    "audit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here (no CDN)
    "api",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "ops.middleware.RequestIdMiddleware",
    # /healthz, /readyz and /metrics: answered here, before sessions, CSRF, the host check and the redirect.
    "ops.middleware.OpsEndpointsMiddleware",
    # Counts the 400/403/404/429 answered inside it: outside the HTTPS redirect, whose host check answers
    # a forged Host with a 400 of its own.
    "ops.middleware.SuspiciousActivityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.MaintenanceMiddleware",  # before anything that queries the database
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Who made a change and from where, for the audit log (django-auditlog's, with our client address).
    "audit.context.AuditContextMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "mentorship_platform.urls"
WSGI_APPLICATION = "mentorship_platform.wsgi.application"
ASGI_APPLICATION = "mentorship_platform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorship_platform.context_processors.site",
                "core.context_processors.header_counts",
            ],
        },
    },
]

# --- DATABASE ---
# SQLite is the embedded default; PostgreSQL (postgres://user:pass@host:5432/name) in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock at BEGIN so two
    # bookings queue up behind the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    if env.bool("DATABASE_POOL", default=False):
        # psycopg's pool inside each worker; incompatible with persistent connections.
        DATABASES["default"]["OPTIONS"] = {"pool": {"min_size": 2, "max_size": 8}}
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- CACHE ---
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- WEBSOCKETS ---
# Live notifications reach a person's open pages through a channel layer: in memory (one process,
# the default) or Redis, which every process of a deployment shares (REDIS_URL=redis://host:6379/2).
_redis_url = env("REDIS_URL", default="")
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [_redis_url]}}
        if _redis_url
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

# --- AUTH ---
# Sign-up, sign-in, email verification, two-factor and Google/GitHub sign-in are django-allauth's.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# One address per account: a new one replaces the old once it is confirmed (and becomes User.email).
ACCOUNT_CHANGE_EMAIL = True
# Tell people by mail when their password, address or second factor changes (a stolen password
# used to enrol the thief's authenticator does not go unnoticed).
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Signing in works before the address is confirmed (to browse and fill the profile); booking,
# messaging and being listed wait for it (accounts.selectors.has_verified_email). Sign-up itself
# always answers "check your email", whether or not the address was already registered.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False  # the sign-in page offers "sign in as someone else"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None  # a "remember me" box
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Failed sign-ins per IP and per address, password resets, verification mails: each limited,
# counted in the cache (Redis in production, so every worker shares the counts).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Each signed-in session is recorded, so a user sees theirs and all of them can be ended at once
# (password change, second-factor reset, deletion).
USERSESSIONS_TRACK_ACTIVITY = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Mentorship")
# Passkeys need HTTPS, except on localhost during development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Staff pages (/dashboard/, /admin/) need a second factor; staff sessions end after this idle time.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
# A user who asks to leave can come back by signing in within this many days; then the account is erased.
ACCOUNT_DELETION_GRACE_DAYS = env.int("ACCOUNT_DELETION_GRACE_DAYS", default=30)

# Google and GitHub sign-in: each is offered only when its client id and secret are set.
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    provider: {
        "APPS": [{"client_id": env(f"{prefix}_CLIENT_ID"), "secret": env(f"{prefix}_CLIENT_SECRET"), "key": ""}],
        "SCOPE": scope,
        "VERIFIED_EMAIL": False,  # trust only what the provider says about each address
        **extra,
    }
    for provider, prefix, scope, extra in [
        (
            "google",
            "GOOGLE",
            ["profile", "email"],
            {"AUTH_PARAMS": {"access_type": "online"}, "OAUTH_PKCE_ENABLED": True},
        ),
        ("github", "GITHUB", ["user:email"], {}),
    ]
    if env(f"{prefix}_CLIENT_ID", default="") and env(f"{prefix}_CLIENT_SECRET", default="")
}
SOCIAL_AUTHORIZE_ORIGINS = {"google": "https://accounts.google.com", "github": "https://github.com"}
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "optional"
# A provider-verified address that belongs to an account signs into (and connects) that account.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False

# --- I18N AND TIME ---
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian"))]
# The switcher names each language in its own tongue.
LANGUAGE_NATIVE_NAMES = {"en": "English", "uk": "Українська"}
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Ours first (makemessages writes there), then hand-made corrections to third-party catalogues, which
# come before the apps' own (locale_overrides/uk: django-allauth's Title Case), then the Ukrainian of
# libraries that ship none (locale_libraries/uk: django-post-office's and django-apscheduler's admin).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides", BASE_DIR / "locale_libraries"]
USE_I18N = True
USE_TZ = True
# The zone used for visitors whose browser has not told us theirs yet.
TIME_ZONE = env("TIME_ZONE", default="Europe/Kyiv")

# --- STATIC AND MEDIA ---
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve uploaded photos from Django itself (fine for small sites; otherwise let the web server do it).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
# The size limit comes first: a file past it is refused as it streams in, before the others store it.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# --- EMAIL ---
# Mail is written to an outbox (django-post-office) inside the transaction that caused it and
# delivered by the scheduler's job; EMAIL_URL is the real transport used for delivery.
# In development mail goes to files in sent-mail/ (one per delivery run), not into the console.
_email = env.email_url("EMAIL_URL", default="filemail://" if DEBUG else "smtp://localhost:25")
EMAIL_BACKEND = "post_office.EmailBackend"
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = (
    (_email.get("EMAIL_FILE_PATH") or str(BASE_DIR / "sent-mail")) if "filebased" in _email["EMAIL_BACKEND"] else None
)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The wait for the server's reply to the end of a message: long, or a slow server gets it twice.
EMAIL_DATA_TIMEOUT = env.int("EMAIL_DATA_TIMEOUT", default=300)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mentorship <no-reply@mentorship.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_transport = _email["EMAIL_BACKEND"]
if _transport == "django.core.mail.backends.smtp.EmailBackend":
    _transport = "schedule.mail.SMTPBackend"  # records the server's reply for the delivery log
POST_OFFICE = {
    "BACKENDS": {"default": _transport},
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": env.int("EMAIL_MAX_RETRIES", default=5),
    "RETRY_INTERVAL": datetime.timedelta(seconds=env.int("EMAIL_RETRY_INTERVAL", default=60)),
    "LOG_LEVEL": 2,  # log successes and failures: every attempt is visible to staff
    "BATCH_SIZE": 200,
    "THREADS_PER_PROCESS": 1,
    "MESSAGE_ID_ENABLED": True,
    "MESSAGE_ID_FQDN": env("MESSAGE_ID_FQDN", default="mentorship.local"),
}

# --- BOOKING RULES ---
BOOKING_MIN_NOTICE_MINUTES = env.int("BOOKING_MIN_NOTICE_MINUTES", default=120)
BOOKING_CURRENCY = env("BOOKING_CURRENCY", default="USD")
# The private video room of a booking whose mentor has no meeting link of their own; {room} is an
# unguessable name made for each booking.
MEETING_URL_TEMPLATE = env("MEETING_URL_TEMPLATE", default="https://meet.jit.si/mentorship-{room}")
# How many times one booking may be moved to another time.
BOOKING_MAX_RESCHEDULES = env.int("BOOKING_MAX_RESCHEDULES", default=2)
# Minutes a paid mentor's slot is held for the mentee while they pay; then it is offered again.
BOOKING_HOLD_MINUTES = env.int("BOOKING_HOLD_MINUTES", default=15)
# Times one mentee may hold for payment at once (checkouts in several tabs, not a way to block calendars).
BOOKING_MAX_HOLDS = env.int("BOOKING_MAX_HOLDS", default=3)
# Days after a session in which either side may report that the other did not come.
BOOKING_NO_SHOW_DAYS = env.int("BOOKING_NO_SHOW_DAYS", default=3)
# How far ahead a slot may be published (and so booked).
BOOKING_HORIZON_DAYS = env.int("BOOKING_HORIZON_DAYS", default=180)
# Minutes before a session at which reminders go out, to the mentee and to the mentor.
REMINDER_OFFSETS = env.list("REMINDER_OFFSETS", cast=int, default=[24 * 60, 60])
# A reminder more than this many minutes late (e.g. the scheduler was down) is skipped, not sent.
REMINDER_GRACE_MINUTES = env.int("REMINDER_GRACE_MINUTES", default=30)

# --- SUPPORT ---
# Contact-form requests one email address, and one IP address, may send per hour.
SUPPORT_REQUESTS_PER_HOUR = env.int("SUPPORT_REQUESTS_PER_HOUR", default=5)

# --- MAINTENANCE ---
# The flag file of maintenance mode, shared by every process (put it on a volume they all mount).
MAINTENANCE_FILE = env.path("MAINTENANCE_FILE", default=BASE_DIR / "var" / "maintenance.json")
# Hours a maintenance bypass link keeps working.
MAINTENANCE_BYPASS_HOURS = env.int("MAINTENANCE_BYPASS_HOURS", default=12)

# --- PAYMENTS (imitation) ---
# The card processor (a dotted path to a payments.providers.Provider); the built-in one is a fake that
# answers the well-known test cards and never touches the network.
PAYMENTS_PROVIDER = env("PAYMENTS_PROVIDER", default="payments.providers.fake.FakeCardProvider")
# The platform's fee, in percent of each payment; the rest is the mentor's.
PAYMENTS_PLATFORM_FEE_PERCENT = env.int("PAYMENTS_PLATFORM_FEE_PERCENT", default=15)
# Days a bought package's sessions can be used (and its unused sessions refunded).
PACKAGE_VALID_DAYS = env.int("PACKAGE_VALID_DAYS", default=180)

# --- MESSAGES ---
# The longest message, in characters.
MESSAGE_MAX_LENGTH = env.int("MESSAGE_MAX_LENGTH", default=2000)
# Messages one person may send per minute (counted in the cache: use Redis with several workers).
MESSAGE_RATE_PER_MINUTE = env.int("MESSAGE_RATE_PER_MINUTE", default=10)
# New conversations a mentee may start from mentor pages in 24 hours.
NEW_CONVERSATIONS_PER_DAY = env.int("NEW_CONVERSATIONS_PER_DAY", default=5)
# Minutes a message stays unread before its recipient is emailed a digest of the conversation.
MESSAGE_DIGEST_MINUTES = env.int("MESSAGE_DIGEST_MINUTES", default=15)

# --- REVIEWS ---
# Days after a session in which its client may review it (and is invited to, once).
REVIEW_WINDOW_DAYS = env.int("REVIEW_WINDOW_DAYS", default=30)

# --- ARTICLES ---
# Minutes in which the author of a comment may still edit it.
ARTICLE_COMMENT_EDIT_MINUTES = env.int("ARTICLE_COMMENT_EDIT_MINUTES", default=15)
# Comments one person may post per hour (counted in the cache: use Redis with several workers).
ARTICLE_COMMENTS_PER_HOUR = env.int("ARTICLE_COMMENTS_PER_HOUR", default=20)
# --- MAILINGS ---
# Emails one mentor's mailings may queue in 24 hours (a rolling window): the platform is no spam relay.
MAILINGS_DAILY_LIMIT = env.int("MAILINGS_DAILY_LIMIT", default=1000)
# Recipients of one mailing run, and clients one mentor may choose for a mailing.
MAILINGS_MAX_RECIPIENTS = env.int("MAILINGS_MAX_RECIPIENTS", default=1000)
# Contacts one mentor may add by hand (people who booked them come on top).
MAILINGS_MAX_CLIENTS = env.int("MAILINGS_MAX_CLIENTS", default=500)
# The sender's name after the mentor's ("Olena Koval via Mentorship").
MAILINGS_SENDER_NAME = env("MAILINGS_SENDER_NAME", default="Mentorship")

# --- SCHEDULER ---
# Start APScheduler inside the web process (``make run`` does). In production prefer a separate
# ``manage.py runapscheduler`` process; either way only one process at a time runs the jobs.
SCHEDULER_AUTOSTART = env.bool("SCHEDULER_AUTOSTART", default=False)
OUTBOX_POLL_SECONDS = env.int("OUTBOX_POLL_SECONDS", default=10)
APSCHEDULER_DATETIME_FORMAT = "N j, Y, f:s a"
APSCHEDULER_RUN_NOW_TIMEOUT = 25

# --- BENCHMARK ---
# Expose /bench/plain/ and /bench/template/, the ceiling the benchmark compares pages against.
BENCH_ENDPOINTS = env.bool("BENCH_ENDPOINTS", default=False)

# --- FORMS AND MESSAGES ---
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
from django.contrib.messages import constants as messages  # noqa: E402

MESSAGE_TAGS = {
    messages.DEBUG: "secondary",
    messages.INFO: "info",
    messages.SUCCESS: "success",
    messages.WARNING: "warning",
    messages.ERROR: "danger",
}

# --- SECURITY ---
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of the site that each append the address they saw to X-Forwarded-For (nginx in
# compose.yaml: 1; with a TLS terminator in front of it that appends too: 2). allauth's per-IP sign-in
# limits take the client's address that many entries from the end; with 0 they take the connection's,
# which behind a proxy is the proxy's: one limit shared by everybody.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# Each reaches beyond this site, so each is its own decision: includeSubDomains binds every subdomain
# (some may not serve HTTPS), and a preload header lets anyone submit the domain to the browsers'
# built-in list, which takes months to leave.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _decided_against(name: str) -> bool:
    """Set to false on purpose (in the environment or .env), not merely left unset."""
    return name in os.environ and not env.bool(name)


# check --deploy warns while HSTS leaves subdomains (W005) or preload (W021) out. The warning stays
# for whoever has not thought about it, and goes for whoever set the variable to false.
SILENCED_SYSTEM_CHECKS = [
    check_id
    for name, check_id in (
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "security.W005"),
        ("SECURE_HSTS_PRELOAD", "security.W021"),
    )
    if _decided_against(name)
]

# --- CONTENT SECURITY POLICY ---
# Scripts, styles and images come from this site only. No template has an inline <script> (data goes
# through json_script or data- attributes), an on*= handler or a style= attribute, so an injected one
# does not run. Chart.js sizes its canvases through the CSSOM, which style-src does not govern.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # QR codes for two-factor set-up are data: images
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        # Chromium applies form-action to the redirects after a POST too: "Continue with Google"
        # posts here and is redirected to the provider, so each configured provider is listed.
        "form-action": [SELF, *(SOCIAL_AUTHORIZE_ORIGINS[p] for p in SOCIALACCOUNT_PROVIDERS)],
    }
}
# Where browsers POST a report of each violation (optional); read into a private name, because
# django-csp's check refuses a CSP_REPORT_URI setting (its 3.x style).
_csp_report_uri = env("CSP_REPORT_URI", default="")
if _csp_report_uri:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = _csp_report_uri

# --- OPERATIONS ---
# /healthz (alive), /readyz (every dependency answers) and /metrics (Prometheus), JSON logs with a
# request id, Sentry. See the README's "Health, metrics and logs".
# Seconds the readiness checks (run side by side) may take; one without an answer by then is failing.
READY_CHECK_TIMEOUT_SECONDS = env.float("READY_CHECK_TIMEOUT_SECONDS", default=2.0)
# The scheduler's heartbeat (written every minute by the process running the jobs) older than this:
# not ready. Checked when SCHEDULER_AUTOSTART is on or a scheduler process has ever beaten; 0: never.
READY_SCHEDULER_MAX_AGE_SECONDS = env.int("READY_SCHEDULER_MAX_AGE_SECONDS", default=300)
# Mail due for delivery and still waiting after this long: not ready. 0: never checked.
READY_OUTBOX_MAX_AGE_SECONDS = env.int("READY_OUTBOX_MAX_AGE_SECONDS", default=900)
# Who may read /metrics: a bearer token, client addresses or networks (REMOTE_ADDR); every one that is
# set must match. Neither set: /metrics is open with DEBUG on, and does not exist (404) with it off.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
# Errors go to Sentry when a DSN is set (the SDK is not even imported otherwise).
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production")
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from ops import sentry

    sentry.init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=SENTRY_RELEASE,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )
# "plain" (the readable line below) or "json" (one JSON object per line, with the request id, for a log
# collector). Either way every response carries its X-Request-ID.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")

# --- REST API ---
# /api/v1/ (Django REST framework), its OpenAPI schema at /api/schema/ and the docs at /api/docs/.
# Personal tokens (Authorization: Bearer mtp_…) or the site's session (with its CSRF token).
API_THROTTLE_ANON = env("API_THROTTLE_ANON", default="60/min")
API_THROTTLE_USER = env("API_THROTTLE_USER", default="300/min")
API_THROTTLE_IP = env("API_THROTTLE_IP", default="600/min")
API_MAX_TOKENS = env.int("API_MAX_TOKENS", default=10)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonRateThrottle",
        "api.throttling.UserRateThrottle",
        "api.throttling.AddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": API_THROTTLE_ANON, "user": API_THROTTLE_USER, "ip": API_THROTTLE_IP},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "EXCEPTION_HANDLER": "api.exceptions.handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mentorship API",
    "DESCRIPTION": (
        "Find mentors, see their free times, book, move and cancel sessions, read notifications and "
        "manage your profile. Authenticate with a personal token (Authorization: Bearer mtp_…) made on "
        "your account's API tokens page; a read-only token can only read. Errors are JSON with a `code` "
        "and a translated `message`. Every list is paged (`page`, `page_size`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "tryItOutEnabled": True},
    # Two models have a "status" and one choice set has two field names: each gets one name in the schema.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "BookingStatusEnum": "schedule.models.Booking.Status",
        "ArticleStatusEnum": "articles.models.Article.Status",
        "ReactionEnum": "articles.models.Reaction.Value",
    },
}

# --- AUDIT LOG ---
# Model changes recorded field by field by django-auditlog (staff actions and security events are
# written by the services; see audit/models.py). Passwords and sign-in times are never recorded.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "accounts.User",
        "include_fields": ["email", "first_name", "last_name", "is_active", "is_staff", "is_superuser", "is_mentor"],
        "m2m_fields": {"groups"},
    },
    {"model": "accounts.MentorProfile", "exclude_fields": ["rating_average", "review_count", "updated_at"]},
    "payments.Package",
    "payments.Refund",
    {"model": "reviews.Review", "include_fields": ["rating", "is_hidden", "hidden_reason"]},
    {"model": "support.SupportRequest", "include_fields": ["status", "assigned_to"]},
)
AUDITLOG_STORE_JSON_CHANGES = True
# Failed sign-ins (password or second factor) from one address within the window: the one that reaches
# this count is an audit event (once per address and window).
AUDIT_SIGNIN_FAILURES = env.int("AUDIT_SIGNIN_FAILURES", default=10)
AUDIT_SIGNIN_WINDOW_MINUTES = env.int("AUDIT_SIGNIN_WINDOW_MINUTES", default=15)

# Suspicious-activity digest: refusals (403, 404, 429, and 400 for a malformed request) and failed
# sign-ins counted by address and path in windows this long; a finished window with at least THRESHOLD
# of them is mailed to the admins (superusers and the Admin role), once. At most MAX_ROWS different
# address/path rows per window.
SUSPICIOUS_DIGEST_MINUTES = env.int("SUSPICIOUS_DIGEST_MINUTES", default=15)
SUSPICIOUS_DIGEST_THRESHOLD = env.int("SUSPICIOUS_DIGEST_THRESHOLD", default=100)
SUSPICIOUS_MAX_ROWS = env.int("SUSPICIOUS_MAX_ROWS", default=1000)
if not 1 <= SUSPICIOUS_DIGEST_MINUTES <= 24 * 60 or 24 * 60 % SUSPICIOUS_DIGEST_MINUTES:
    raise ImproperlyConfigured("SUSPICIOUS_DIGEST_MINUTES must divide a day (1, 5, 15, 60, ...).")

# --- LOGGING ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "apscheduler": {"level": "WARNING"},
        # Django's own console handler (DEBUG only) printed each refusal a second time, unformatted:
        # its records go to the root's handler, once, in the chosen format.
        "django": {"handlers": [], "level": "INFO"},
    },
}
