import datetime as dt
import re

from allauth.account import views as allauth_views
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import perform_login
from allauth.account.internal.flows.signup import complete_signup
from allauth.account.models import Login
from allauth.account.utils import get_next_redirect_url
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import check_for_language, get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from accounts import directory, export, hooks, selectors, services
from accounts.adapters import KEEP_ACCOUNT_SESSION_KEY, account_to_keep
from accounts.forms import AccountDeleteForm, DirectoryFilterForm, MentorProfileForm, ProfileForm, SignupForm
from core import presence
from core.http import Refusal
from schedule import picker as schedule_picker
from schedule import selectors as schedule_selectors
from schedule.forms import WaitlistForm

MENTORS_PER_PAGE = 12
# ?reviews=<page> on a mentor page: its page of reviews (the reviews app's template tag reads it), so
# part of the key of the page cached for visitors.
REVIEWS_PAGE = re.compile(r"[0-9]{1,6}")
MANDATORY = EmailVerificationMethod.MANDATORY
# After "Delete my account" the person is signed out; the new session says until when they can come back.
LEFT_SESSION_KEY = "accounts_left"


def home(request):
    search = DirectoryFilterForm(request.GET).search()
    parts = (get_language(), timezone.get_current_timezone_name(), search.querystring())

    def render_page():
        mentors_html = directory.cached_html(directory.key("home", *parts), lambda: _render_directory(request, search))
        return render(
            request,
            "accounts/home.html",
            {"mentors_html": mentors_html, "show_hero": not search.is_filtered, "query": search.query},
        )

    return directory.anonymous_page(request, directory.key("home-page", *parts), render_page)


def _render_directory(request, search) -> str:
    """The directory section of the home page: filters, topic chips, one page of mentor cards."""
    now = timezone.now()
    topics = list(selectors.topics_in_use(now=now))
    languages = selectors.languages_in_use(now=now)
    without_hero = search.is_filtered  # as the page decides, before unknown values are dropped
    search = search.within(topics={t.slug for t in topics}, languages=[name for name, _label in languages])
    mentors = selectors.mentor_directory(**search.filters(), now=now)
    page = Paginator(mentors, MENTORS_PER_PAGE).get_page(search.page)
    online = presence.statuses([profile.user for profile in page])  # one cache read for the page
    return render_to_string(
        "accounts/_mentor_directory.html",
        {
            "page": page,
            "search": search,
            "form": DirectoryFilterForm(search.params(), topics=topics, languages=languages),
            "topics": topics,
            "pagination_query": search.querystring(page=1),
            "presence": online,
            "without_hero": without_hero,
        },
        request=request,
    )


def mentor_detail(request, slug):
    """
    A mentor's public page. Visitors get it whole from the cache (``directory.anonymous_page``); when it
    is rendered, the profile with its user, topics and first bookable time is one query, then the
    week's times, and the reviews, packages and articles parts ask one query each.
    """
    week = schedule_picker.parse_week(request.GET.get("week"))
    reviews_page = request.GET.get("reviews", "")
    reviews_page = reviews_page if REVIEWS_PAGE.fullmatch(reviews_page) else ""
    parts = (slug[:80], get_language(), timezone.get_current_timezone_name(), str(week), reviews_page)

    def render_page():
        now = timezone.now()
        profile = selectors.mentor_page_profile(slug=slug, now=now)
        if profile is None:
            raise Http404
        # A signed-in viewer's own sessions are marked on the week. A visitor's page is cached whole.
        availability_html = schedule_picker.render(
            request,
            mentor=profile.user,
            week=week,
            viewer=request.user,
            mode="book",
            first=profile.next_free_slot,
            now=now,
        )
        return render(
            request,
            "accounts/mentor_detail.html",
            {
                "profile": profile,
                "mentor": profile.user,
                "availability_html": mark_safe(availability_html),  # rendered from our own template
                "waitlist_entry": schedule_selectors.waitlist_entry(mentor=profile.user, viewer=request.user),
                "waitlist_form": WaitlistForm(),
            },
        )

    return directory.anonymous_page(request, directory.key("mentor-page", *parts), render_page)


class SignupView(allauth_views.SignupView):
    """
    allauth's sign-up, answering every valid form the same way, "check your email": a new address
    gets the confirmation link (signing in follows from it, then on to ``?next=``), one that is
    already registered gets a note to its owner. Signing in later works before confirming (the site
    runs allauth's "optional" verification); booking and messaging wait for the confirmation.
    """

    def form_valid(self, form):
        if form.account_already_exists:
            make_password(form.cleaned_data["password1"])  # as long as a real sign-up takes: timing tells nothing
            login = Login(user=None, email=form.cleaned_data["email"], signup=True, email_verification=MANDATORY)
            return perform_login(self.request, login)
        self.user = form.save(self.request)
        # Where the confirmation link leads: back to ``?next=`` (the slot being booked), a new
        # mentor to the profile editor, anyone else home.
        redirect_url = get_next_redirect_url(self.request) or (
            reverse("accounts:mentor_profile_edit") if form.is_mentor else None
        )
        return complete_signup(self.request, user=self.user, email_verification=MANDATORY, redirect_url=redirect_url)

    def get_initial(self):
        role = self.request.GET.get("role")
        return {"role": role if role in dict(SignupForm.ROLE_CHOICES) else SignupForm.ROLE_MENTEE}


def admin_login_redirect(request):
    """``/admin/login/`` is the site's own sign-in (throttled, with the second factor), then back."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


def mentor_list(request):
    """``/mentors/``, a natural guess (the part before a mentor's own address): the directory, searched as asked."""
    query = request.GET.urlencode()
    return redirect(reverse("home") + (f"?{query}" if query else "") + "#mentors")


def register_moved(request):
    """The old sign-up address: links in old emails and bookmarks keep working (``?role=``, ``?next=``)."""
    query = request.GET.urlencode()
    return redirect(reverse("account_signup") + (f"?{query}" if query else ""), permanent=True)


@login_required
def security(request):
    """Sign-in and security at a glance: the address, the second factor, devices, connected accounts."""
    user = request.user
    return render(
        request,
        "account/security.html",
        {
            "email_verified": selectors.has_verified_email(user),
            "mfa_enabled": is_mfa_enabled(user),
            "session_count": UserSession.objects.filter(user=user).count(),
            "connected": list(SocialAccount.objects.filter(user=user).values_list("provider", flat=True)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def leave(request):
    """
    "Your data and leaving": what deleting the account does (with how many upcoming sessions it
    cancels), the download of one's data, and the delete form.

    Deleting asks again for the password, or the second factor, through allauth's reauthentication
    rather than with password and code fields on this form: allauth knows which factors the account
    has, offers each of them, throttles the attempts and records them, and keeps the POST waiting in
    the session until the person has proved it is them, then sends it on here. Someone who signs in
    only with Google or GitHub has nothing to enter again (allauth lets them through); for them, as
    for everyone, the confirmation box makes the choice deliberate.
    """
    user = request.user
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            deletion = services.account_deletion_request(user=user)
        except services.AccountError as error:
            messages.error(request, error.message)
            return redirect("accounts:leave")
        logout(request)  # the service ended every session on record; this request's ends here
        request.session[LEFT_SESSION_KEY] = {"due": deletion.due_at.isoformat(), "timezone": user.timezone}
        return redirect("accounts:leave_scheduled")
    return render(
        request,
        "accounts/leave.html",
        {
            "form": form,
            "upcoming_sessions": schedule_selectors.upcoming_session_count(user=user),
            "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS,
            "warnings": list(hooks.collect(hooks.LEAVING_WARNINGS, user=user).values()),
        },
    )


@login_required
@never_cache
@require_GET
def data_export(request):
    """ "Download my data": the person's data as a JSON file (see ``accounts.export``)."""
    data = export.user_data_export(request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="mentorship-data.json"'
    return response


@require_GET
def leave_scheduled(request):
    """
    Where "Delete my account" lands, signed out: the date the account will be deleted and how to keep
    it. Without the note in the session (another visitor, a later visit) there is nothing to say.
    """
    state = request.session.get(LEFT_SESSION_KEY)
    try:
        due = dt.datetime.fromisoformat(state["due"])
        zone = state["timezone"]
    except (TypeError, KeyError, ValueError):
        return redirect("home")
    return render(request, "accounts/leave_scheduled.html", {"due_at": due, "zone": zone, "keep": False})


@require_http_methods(["GET", "POST"])
def leave_keep(request):
    """
    "Keep my account", reached only from a sign-in with the right password (or Google or GitHub) to an
    account waiting for deletion (``AccountAdapter.respond_user_inactive`` notes whom in the session).
    Keeping re-activates the account and sends the person to sign in as usual, so the second factor is
    still asked: nothing here signs anyone in.
    """
    user_id = account_to_keep(request)
    deletion = selectors.deletion_to_keep(user_id=user_id) if user_id is not None else None
    if deletion is None:
        request.session.pop(KEEP_ACCOUNT_SESSION_KEY, None)
        messages.info(request, _("Please sign in again."))
        return redirect("account_login")
    if request.method == "GET":
        context = {"due_at": deletion.due_at, "zone": deletion.user.timezone, "keep": True}
        return render(request, "accounts/leave_scheduled.html", context)
    try:
        services.account_deletion_cancel(user_id=user_id)
    except services.AccountError as error:
        messages.error(request, error.message)
        return redirect("account_login")
    finally:
        request.session.pop(KEEP_ACCOUNT_SESSION_KEY, None)
    messages.success(request, _("Your account is no longer scheduled for deletion. Sign in to continue."))
    return redirect("account_login")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    user = request.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "timezone": user.timezone,
        "language": user.language,
        "photo": user.photo,
        "show_presence": user.show_presence,
    }
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photo = data.get("photo")
        services.user_update(
            user=user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            timezone=data["timezone"],
            language=data["language"],
            photo=photo if photo and photo is not user.photo and hasattr(photo, "read") else None,
            remove_photo=photo is False,
            show_presence=data["show_presence"],
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def mentor_profile_edit(request):
    if not request.user.is_mentor:
        raise Refusal(_("Only mentors have a public profile."))
    profile = services.mentor_profile_ensure(user=request.user)
    form = MentorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.mentor_profile_update(profile=profile, **form.cleaned_data)
        messages.success(request, _("Your mentor profile has been saved."))
        return redirect("accounts:mentor_profile_edit")
    return render(
        request,
        "accounts/mentor_profile_form.html",
        {"form": form, "profile": profile, "readiness": selectors.mentor_readiness(profile=profile)},
    )


@require_http_methods(["GET", "POST"])
def become_mentor(request):
    """
    "Become a mentor": a signed-in mentee switches with a POST (GET only shows what it means), then
    fills the public profile; it is listed once complete. A visitor goes to registration as a mentor.
    """
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_signup')}?{urlencode({'role': SignupForm.ROLE_MENTOR})}")
    if request.method == "GET":
        if request.user.is_mentor:
            return redirect("accounts:mentor_profile_edit")
        return render(request, "accounts/become_mentor.html")
    was_mentor = request.user.is_mentor
    try:
        services.mentor_become(user=request.user)
    except services.AccountError as error:
        messages.error(request, error.message)
        return redirect("accounts:profile")
    if not was_mentor:
        messages.success(
            request,
            _("You are now a mentor. Complete your profile below: it appears in the directory once it is ready."),
        )
    return redirect("accounts:mentor_profile_edit")


def _passes_csrf_check(request) -> bool:
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is None


@csrf_exempt
@require_POST
def set_language(request):
    """
    The language switcher in every page's footer. Django's view sets the cookie and redirects back
    (to a safe ``next`` only). The cookie is a display preference, so the form carries no CSRF token
    for visitors: that keeps the anonymous home page cacheable whole. A signed-in user's choice is
    also stored on the profile, where it drives their emails, and that change needs a valid token.
    """
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language) and _passes_csrf_check(request):
        services.user_set_language(user=request.user, language=language)
    return django_set_language(request)
