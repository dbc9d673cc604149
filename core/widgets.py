"""
HTML5 date and time inputs. The browser expects ISO values (2026-11-24, 13:00) whatever the page's
language: Django's localised formats ("24.11.2026" in Ukrainian) would leave the field empty.
"""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")
