from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UserModel = get_user_model()


class EmailBackend(ModelBackend):
    """Authenticate by email, case-insensitively (the login form's "username" is the email)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get(UserModel.USERNAME_FIELD)
        if email is None or password is None:
            return None
        try:
            user = UserModel._default_manager.get(email__iexact=email.strip())
        except UserModel.DoesNotExist:
            # Run the hasher anyway so response time does not reveal which emails exist.
            UserModel().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
