from django.contrib import admin

from api.models import Token
from core.admin import ReadOnlyAdmin


@admin.register(Token)
class TokenAdmin(ReadOnlyAdmin):
    """Made and revoked by their owners; staff see that they exist, never their secrets (only hashes are kept)."""

    list_display = ["name", "user", "scope", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    list_select_related = ["user"]
    search_fields = ["name", "user__email", "prefix"]
    exclude = ["key_hash"]
