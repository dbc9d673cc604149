from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        """A new article of a mentor one follows, and a comment on one's article: this app's notifications; leaving."""
        from django.utils.translation import gettext

        from accounts import hooks
        from articles import COMMENTED_KIND, PUBLISHED_KIND, export, services
        from notifications import kinds

        hooks.register(hooks.PERSON_LEFT, services.on_person_left)
        hooks.register(hooks.PERSON_STAYED, services.on_person_left)
        hooks.register(hooks.PERSON_ERASED, services.on_person_erased)
        hooks.register(hooks.PERSON_EXPORTED, export.person_sections)

        kinds.register(
            PUBLISHED_KIND,
            lambda p: gettext("%(name)s published an article: “%(title)s”.") % {"name": p["name"], "title": p["title"]},
            "journal-text",
            label=_("New articles by mentors you follow"),
            email=False,  # in the app and live only: the bell, not the inbox
            gone_with_person=True,  # the author's articles go when they leave
        )
        kinds.register(
            COMMENTED_KIND,
            lambda p: (
                gettext("%(name)s commented on your article “%(title)s”.") % {"name": p["name"], "title": p["title"]}
            ),
            "chat-left-text",
            label=_("Comments on your articles"),
            mentors_only=True,
            email=False,
            gone_with_person=True,  # the commenter's comments go when they leave
        )
