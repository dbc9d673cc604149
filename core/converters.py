"""
``<id:pk>`` in URLs: a database id. Like ``<int:>``, but at most 18 digits, so an absurd number in a
URL is a 404 instead of an integer the database cannot hold (OverflowError on SQLite, a DataError
on PostgreSQL: a 500 either way).
"""


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
