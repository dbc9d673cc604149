from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import api, views

app_name = "api"

router = SimpleRouter()
router.register("mentors", api.MentorViewSet, basename="mentor")
router.register("bookings", api.BookingViewSet, basename="booking")
router.register("notifications", api.NotificationViewSet, basename="notification")
router.register("articles", api.ArticleViewSet, basename="article")
router.register("comments", api.CommentViewSet, basename="comment")

urlpatterns = [
    path("v1/", api.ApiRootView.as_view(), name="root"),
    path("v1/", include(router.urls)),
    path("v1/me/", api.MeView.as_view(), name="me"),
    path("v1/topics/", api.TopicListView.as_view(), name="topics"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file of its own: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    # Anything else under /api/ is the API's JSON 404, not the site's page.
    re_path(r"^(?:v1/)?.*$", api.not_found, name="not_found"),
]
