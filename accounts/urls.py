from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    # Sign-up, sign-in, password and email pages are allauth's (mentorship_platform/urls.py); ours:
    path("accounts/signup/", views.SignupView.as_view(), name="signup"),
    path("accounts/register/", views.register_moved, name="register"),
    path("accounts/security/", views.security, name="security"),
    path("accounts/profile/", views.profile_edit, name="profile"),
    path("accounts/profile/mentor/", views.mentor_profile_edit, name="mentor_profile_edit"),
    path("accounts/become-mentor/", views.become_mentor, name="become_mentor"),
    path("accounts/leave/", views.leave, name="leave"),
    path("accounts/leave/export.json", views.data_export, name="export"),
    path("accounts/leave/scheduled/", views.leave_scheduled, name="leave_scheduled"),
    path("accounts/leave/keep/", views.leave_keep, name="leave_keep"),
    path("mentors/", views.mentor_list, name="mentor_list"),
    path("mentors/<slug:slug>/", views.mentor_detail, name="mentor_detail"),
]
