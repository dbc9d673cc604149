"""
State changes for slots, bookings and reminders (one module per concern; import from here).
"""

from schedule import emails  # noqa: F401 (tests patch services.emails)
from schedule.services.bookings import (
    booking_cancel,
    booking_create,
    booking_hold,
    booking_hold_confirm,
    booking_hold_release,
    booking_no_show,
    booking_reschedule,
    calendar_feed_reset,
    client_busy_message,
    holds_release_expired,
    move_refusal,
)
from schedule.services.errors import BookingError, SlotTakenError, UnverifiedEmailError
from schedule.services.leaving import on_person_erased, user_schedule_close, user_schedule_erase
from schedule.services.reminders import REMINDER_CHUNK, SweepResult, reminder_sweep
from schedule.services.slots import (
    MAX_BULK_SLOTS,
    MAX_BULK_WEEKS,
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    BulkResult,
    check_slot_window,
    horizon_end,
    slot_bulk_create,
    slot_create,
    slot_delete,
    slot_set_hidden,
    slot_update,
    slot_withdraw_future,
    wall_clock_starts,
)
from schedule.services.waitlist import waitlist_join, waitlist_leave, waitlist_remove_user, waitlist_sweep
from schedule.services.weekly import (
    PublishResult,
    date_override_add,
    date_override_delete,
    weekly_publish,
    weekly_publish_all,
    weekly_schedule_save,
)

__all__ = [
    "MAX_BULK_SLOTS",
    "MAX_BULK_WEEKS",
    "MAX_SLOT_MINUTES",
    "MIN_SLOT_MINUTES",
    "REMINDER_CHUNK",
    "BookingError",
    "BulkResult",
    "PublishResult",
    "SlotTakenError",
    "SweepResult",
    "UnverifiedEmailError",
    "booking_cancel",
    "booking_create",
    "booking_hold",
    "booking_hold_confirm",
    "booking_hold_release",
    "booking_no_show",
    "booking_reschedule",
    "calendar_feed_reset",
    "check_slot_window",
    "client_busy_message",
    "date_override_add",
    "date_override_delete",
    "holds_release_expired",
    "horizon_end",
    "move_refusal",
    "on_person_erased",
    "reminder_sweep",
    "slot_bulk_create",
    "slot_create",
    "slot_delete",
    "slot_set_hidden",
    "slot_update",
    "slot_withdraw_future",
    "user_schedule_close",
    "user_schedule_erase",
    "waitlist_join",
    "waitlist_leave",
    "waitlist_remove_user",
    "waitlist_sweep",
    "wall_clock_starts",
    "weekly_publish",
    "weekly_publish_all",
    "weekly_schedule_save",
]
