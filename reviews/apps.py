from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _moderated(p: dict) -> str:
    """What staff did with a review, told to its writer ("yours") and to the mentor, with the reason."""
    from django.utils.translation import gettext

    if p["hidden"]:
        if p["yours"]:
            text = gettext("Staff hid your review of the session with %(name)s. Reason: %(reason)s")
        else:
            text = gettext("Staff hid the review of your session by %(name)s. Reason: %(reason)s")
    elif p["yours"]:
        text = gettext("Staff show your review of the session with %(name)s again. Reason: %(reason)s")
    else:
        text = gettext("Staff show the review of your session by %(name)s again. Reason: %(reason)s")
    return text % {"name": p["name"], "reason": p["reason"]}


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        """The invitation to review, the news of a review, a reply, and staff's decisions are this app's kinds."""
        from django.utils.translation import gettext, ngettext

        from accounts import hooks
        from notifications import kinds
        from reviews import INVITATION_KIND, MODERATED_KIND, RECEIVED_KIND, REPLIED_KIND, export, services
        from schedule import hooks as schedule_hooks

        hooks.register(hooks.PERSON_ERASED, services.on_person_erased)
        hooks.register(hooks.PERSON_EXPORTED, export.person_sections)
        schedule_hooks.register(schedule_hooks.NO_SHOW_REFUSAL, services.no_show_refusal)

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
            mentors_only=True,
            email=False,  # in-app only: the review is on the mentor's page and under "My reviews"
        )
        kinds.register(
            REPLIED_KIND,
            lambda p: gettext("%(name)s replied to your review.") % {"name": p["name"]},
            "reply",
            label=_("Replies to your reviews"),
            email=False,
        )
        kinds.register(MODERATED_KIND, _moderated, "shield-check", label=_("Staff decisions on reviews"), email=False)
