from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        """The invitation to review and the news of a review are this app's kinds, rendered by notifications."""
        from django.utils.translation import gettext, ngettext

        from notifications import kinds
        from reviews import INVITATION_KIND, RECEIVED_KIND

        kinds.register(
            INVITATION_KIND,
            lambda p: gettext("How was your session with %(name)s? Leave a review.") % {"name": p["name"]},
            "star",
            label=_("Invitations to review a session"),
        )
        kinds.register(
            RECEIVED_KIND,
            lambda p: (
                ngettext(
                    "%(name)s reviewed your session: %(rating)d star.",
                    "%(name)s reviewed your session: %(rating)d stars.",
                    p["rating"],
                )
                % {"name": p["name"], "rating": p["rating"]}
            ),
            "star-fill",
            label=_("Reviews of your sessions"),
            email=False,  # in-app only: the review is on the mentor's page and under "My reviews"
        )
