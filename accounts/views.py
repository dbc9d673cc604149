from allauth.account import views as allauth_views
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.internal.flows.login import perform_login
from allauth.account.internal.flows.signup import complete_signup
from allauth.account.models import Login
from allauth.account.utils import get_next_redirect_url
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import check_for_language, get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from accounts import directory, selectors, services
from accounts.forms import DirectoryFilterForm, MentorProfileForm, ProfileForm, SignupForm
from accounts.models import MentorProfile
from schedule import picker as schedule_picker
from schedule import selectors as schedule_selectors
from schedule.forms import WaitlistForm

MENTORS_PER_PAGE = 12
MANDATORY = EmailVerificationMethod.MANDATORY


def home(request):
    search = DirectoryFilterForm(request.GET).search()
    parts = (get_language(), timezone.get_current_timezone_name(), search.querystring())

    def render_page():
        mentors_html = directory.cached_html(directory.key("home", *parts), lambda: _render_directory(request, search))
        return render(
            request, "accounts/home.html", {"mentors_html": mentors_html, "show_hero": not search.is_filtered}
        )

    return directory.anonymous_page(request, directory.key("home-page", *parts), render_page)


def _render_directory(request, search) -> str:
    """The directory section of the home page: filters, topic chips, one page of mentor cards."""
    now = timezone.now()
    topics = list(selectors.topics_in_use(now=now))
    languages = selectors.languages_in_use(now=now)
    search = search.within(topics={t.slug for t in topics}, languages=languages)
    mentors = selectors.mentor_directory(**search.filters(), now=now)
    page = Paginator(mentors, MENTORS_PER_PAGE).get_page(search.page)
    return render_to_string(
        "accounts/_mentor_directory.html",
        {
            "page": page,
            "search": search,
            "form": DirectoryFilterForm(search.params(), topics=topics, languages=languages),
            "topics": topics,
            "pagination_query": search.querystring(page=1),
        },
        request=request,
    )


def mentor_detail(request, slug):
    week = schedule_picker.parse_week(request.GET.get("week"))
    parts = (slug[:80], get_language(), timezone.get_current_timezone_name(), str(week))

    def render_page():
        profile = get_object_or_404(
            MentorProfile.objects.select_related("user").prefetch_related("topics"),
            slug=slug,
            user__is_mentor=True,
            user__is_active=True,
        )
        render_week = lambda: schedule_picker.render(  # noqa: E731
            request, mentor=profile.user, week=week, viewer=request.user, mode="book"
        )
        # A week of availability is the same for every visitor in a zone: cached like the directory.
        # A signed-in viewer's own sessions are marked on it, so theirs is rendered fresh.
        if request.user.is_authenticated:
            availability_html = mark_safe(render_week())  # rendered from our own template
        else:
            availability_html = directory.cached_html(directory.key("availability", *parts), render_week)
        return render(
            request,
            "accounts/mentor_detail.html",
            {
                "profile": profile,
                "mentor": profile.user,
                "availability_html": availability_html,
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
def profile_edit(request):
    user = request.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "timezone": user.timezone,
        "language": user.language,
        "photo": user.photo,
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
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def mentor_profile_edit(request):
    if not request.user.is_mentor:
        raise PermissionDenied(_("Only mentors have a public profile."))
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
