"""Reviews after a session: the client rates it once, the mentor may reply once, staff moderate."""

INVITATION_KIND = "review_invitation"  # the client is asked how the session went (see apps.ReviewsConfig.ready)
RECEIVED_KIND = "review_received"  # the mentor's session was reviewed
REPLIED_KIND = "review_replied"  # the mentor replied to the client's review
MODERATED_KIND = "review_moderated"  # staff hid a review, or showed it again: both sides are told why
