"""
Staff manage articles here: edit the text, topics and cover (through the same service as the author's
page: the HTML is rendered again, the cover re-encoded), unpublish, delete. Comments can be removed;
reactions and follows are read only.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.images import normalize_photo
from articles import services
from articles.models import Article, Comment, Follow, Reaction
from core.admin import ReadOnlyAdmin


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "body", "cover", "topics"]

    def _service(self, check, name):
        try:
            return check(self.cleaned_data.get(name))
        except services.ArticleError as error:
            raise ValidationError(error.message) from None

    def clean_title(self):
        return self._service(services.check_title, "title")

    def clean_body(self):
        return self._service(services.check_body, "body")

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and "cover" in self.changed_data and hasattr(cover, "size"):
            return normalize_photo(cover, size=services.COVER_SIZE)
        return cover


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["author", "body", "created_at", "edited_at"]
    readonly_fields = fields
    can_delete = False  # removing a comment is the site's "Remove" (articles.services: audited, caches cleared)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "author", "status", "published_at", "view_count"]
    list_filter = ["status", "topics"]
    list_select_related = ["author"]
    search_fields = ["title", "author__email", "author__last_name"]
    readonly_fields = ["author", "slug", "status", "published_at", "announced_at", "view_count", "created_at"]
    fields = ["title", "body", "cover", "topics", *readonly_fields]
    inlines = [CommentInline]
    actions = ["unpublish"]

    def has_add_permission(self, request):
        return False  # mentors write articles; staff edit, unpublish and delete them

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        cover = data.get("cover")
        services.article_update(
            article=obj,
            by=request.user,
            title=data["title"],
            body=data["body"],
            topics=data["topics"],
            cover=cover if "cover" in form.changed_data and cover else None,
            remove_cover="cover" in form.changed_data and not cover,
        )

    def delete_model(self, request, obj):
        services.article_delete(article=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article, by=request.user)

    @admin.action(description=_("Unpublish (back to a draft)"))
    def unpublish(self, request, queryset):
        articles = list(queryset.filter(status=Article.Status.PUBLISHED))
        for article in articles:
            services.article_unpublish(article=article, by=request.user)
        count = len(articles)
        self.message_user(
            request,
            ngettext("%(count)d article unpublished.", "%(count)d articles unpublished.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["article", "author", "created_at"]
    list_select_related = ["article", "author"]
    search_fields = ["body", "author__email"]
    readonly_fields = ["article", "author", "body", "created_at", "edited_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.comment_delete(comment=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for comment in queryset.select_related("article"):
            services.comment_delete(comment=comment, by=request.user)


@admin.register(Reaction)
class ReactionAdmin(ReadOnlyAdmin):
    list_display = ["article", "user", "value", "created_at"]
    list_select_related = ["article", "user"]


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ["follower", "mentor", "created_at"]
    list_select_related = ["follower", "mentor"]
