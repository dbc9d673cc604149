"""
State changes for users, profiles and leaving the platform (one module per concern; import from here).
"""

from accounts.services.deletion import (
    account_deletion_cancel,
    account_deletion_request,
    account_deletions_complete,
    deleted_email,
)
from accounts.services.errors import AccountError
from accounts.services.users import (
    mentor_become,
    mentor_profile_ensure,
    mentor_profile_update,
    user_deactivate,
    user_reactivate,
    user_register,
    user_sessions_end,
    user_set_language,
    user_set_mentor,
    user_set_staff_role,
    user_update,
    user_update_language_if_default,
)

__all__ = [
    "AccountError",
    "account_deletion_cancel",
    "account_deletion_request",
    "account_deletions_complete",
    "deleted_email",
    "mentor_become",
    "mentor_profile_ensure",
    "mentor_profile_update",
    "user_deactivate",
    "user_reactivate",
    "user_register",
    "user_sessions_end",
    "user_set_language",
    "user_set_mentor",
    "user_set_staff_role",
    "user_update",
    "user_update_language_if_default",
]
