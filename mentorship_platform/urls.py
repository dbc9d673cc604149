from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.static import serve

from accounts import views as accounts_views
from accounts.views import admin_login_redirect
from articles.sitemaps import sitemap_view
from core import views as core_views
from mentorship_platform import bench_views

# The admin under the site's name, not "Django administration".
admin.site.site_header = admin.site.site_title = _("Mentorship administration")

# /healthz, /readyz and /metrics are not here: ops.middleware.OpsEndpointsMiddleware answers them
# before sessions, CSRF and the host check (an unprotected /metrics in production falls through to a 404).
urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("", include("accounts.urls")),
    path("", include("schedule.urls")),
    path("accounts/", include("allauth.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("notifications/", include("notifications.urls")),
    path("messages/", include("messaging.urls")),
    path("", include("payments.urls")),
    path("reviews/", include("reviews.urls")),
    path("support/", include("support.urls")),
    path("api/", include("api.urls")),
    path("articles/", include("articles.urls")),
    path("sitemap.xml", sitemap_view, name="sitemap"),
    path("mailings/", include("mailings.urls")),
    # One sign-in for everyone, with its throttling and second factor: no separate admin login.
    path("admin/login/", admin_login_redirect),
    # and one password change, which asks for the current password and mails the owner about it
    path("admin/password_change/", RedirectView.as_view(pattern_name="account_change_password")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("maintenance/bypass/<str:token>/", core_views.maintenance_bypass, name="maintenance_bypass"),
]

if settings.SERVE_MEDIA:
    # Uploaded photos; in a larger deployment a web server or object storage serves MEDIA_ROOT instead.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

if settings.BENCH_ENDPOINTS:
    urlpatterns += [
        path("bench/plain/", bench_views.plain),
        path("bench/template/", bench_views.template),
    ]

handler400 = "mentorship_platform.views.bad_request"
handler403 = "mentorship_platform.views.permission_denied"
handler404 = "mentorship_platform.views.page_not_found"
handler500 = "mentorship_platform.views.server_error"
