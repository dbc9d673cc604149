"""Outbox headers shared by every app that queues mail (they never leave the platform's log)."""

# What a row is, for the staff mail log ("confirmation", "reminder", "account", ...).
KIND_HEADER = "X-Mentorship-Kind"
# The body holds a private link (email confirmation, password reset): wiped once delivered.
SECRET_HEADER = "X-Mentorship-Secret"
# Sign-up, sign-in and password mail from django-allauth.
ACCOUNT = "account"
# "Unread messages" digests from the messaging app.
MESSAGES = "messages"
# "How was your session?" invitations from the reviews app.
REVIEWS = "reviews"
# Receipts and refund notices from the payments app.
RECEIPT = "payment_receipt"
REFUND = "refund_issued"
# Acknowledgements and answers of the support desk.
SUPPORT = "support"
# The suspicious-activity digest to admins from the ops app.
SECURITY = "security"
# Mentors' mailings to their clients (the mailings app).
MAILING = "mailing"
