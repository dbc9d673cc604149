from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
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
from accounts.forms import DirectoryFilterForm, MentorProfileForm, ProfileForm, RegistrationForm
from accounts.models import MentorProfile
from schedule import picker as schedule_picker
from schedule import selectors as schedule_selectors
from schedule.forms import WaitlistForm

MENTORS_PER_PAGE = 12


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


@require_POST
def logout(request):
    auth_logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("home")


@require_http_methods(["GET", "POST"])
def register(request):
    form = RegistrationForm(
        request.POST or None, initial={"role": request.GET.get("role", RegistrationForm.ROLE_MENTEE)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_register(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            is_mentor=data["role"] == RegistrationForm.ROLE_MENTOR,
            timezone=data["timezone"],
            language=request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("en", "uk") else "en",
        )
        login(request, user, backend="accounts.backends.EmailBackend")
        messages.success(request, _("Welcome, %(name)s! Your account is ready.") % {"name": user.display_name})
        next_url = request.POST.get("next") or request.GET.get("next")
        if (
            next_url
            and next_url.startswith("/")
            and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())
        ):
            return HttpResponseRedirect(next_url)  # a path, never a view name to reverse
        if user.is_mentor:
            return redirect("accounts:mentor_profile_edit")
        return redirect("home")
    return render(request, "accounts/register.html", {"form": form, "next": request.GET.get("next", "")})


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
        return redirect(f"{reverse('accounts:register')}?{urlencode({'role': RegistrationForm.ROLE_MENTOR})}")
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
