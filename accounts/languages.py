"""
The languages mentors speak. The profile keeps them as free text ("English, Ukrainian"), but a language
that mentors write in different ways ("українська", "Ukrainian", "ukrainian") is stored under one name,
its English one, so the directory's filter lists it once; pages show it in the reader's language.
A language not in the table is kept as written.
"""

from django.utils.translation import pgettext_lazy

# English name (stored) -> (its name on pages, other ways of writing it: Ukrainian and native names).
KNOWN = {
    "Arabic": (pgettext_lazy("language", "Arabic"), {"арабська", "العربية"}),
    "Chinese": (pgettext_lazy("language", "Chinese"), {"китайська", "中文", "mandarin"}),
    "Crimean Tatar": (pgettext_lazy("language", "Crimean Tatar"), {"кримськотатарська", "qırımtatar"}),
    "Czech": (pgettext_lazy("language", "Czech"), {"чеська", "čeština"}),
    "Dutch": (pgettext_lazy("language", "Dutch"), {"нідерландська", "голландська", "nederlands"}),
    "English": (pgettext_lazy("language", "English"), {"англійська"}),
    "Estonian": (pgettext_lazy("language", "Estonian"), {"естонська", "eesti"}),
    "French": (pgettext_lazy("language", "French"), {"французька", "français", "francais"}),
    "Georgian": (pgettext_lazy("language", "Georgian"), {"грузинська", "ქართული"}),
    "German": (pgettext_lazy("language", "German"), {"німецька", "deutsch"}),
    "Greek": (pgettext_lazy("language", "Greek"), {"грецька", "ελληνικά"}),
    "Hebrew": (pgettext_lazy("language", "Hebrew"), {"іврит", "עברית"}),
    "Hindi": (pgettext_lazy("language", "Hindi"), {"гінді", "हिन्दी"}),
    "Hungarian": (pgettext_lazy("language", "Hungarian"), {"угорська", "magyar"}),
    "Italian": (pgettext_lazy("language", "Italian"), {"італійська", "italiano"}),
    "Japanese": (pgettext_lazy("language", "Japanese"), {"японська", "日本語"}),
    "Korean": (pgettext_lazy("language", "Korean"), {"корейська", "한국어"}),
    "Latvian": (pgettext_lazy("language", "Latvian"), {"латиська", "latviešu"}),
    "Lithuanian": (pgettext_lazy("language", "Lithuanian"), {"литовська", "lietuvių"}),
    "Polish": (pgettext_lazy("language", "Polish"), {"польська", "polski"}),
    "Portuguese": (pgettext_lazy("language", "Portuguese"), {"португальська", "português", "portugues"}),
    "Romanian": (pgettext_lazy("language", "Romanian"), {"румунська", "română", "romana"}),
    "Russian": (pgettext_lazy("language", "Russian"), {"російська", "русский"}),
    "Slovak": (pgettext_lazy("language", "Slovak"), {"словацька", "slovenčina"}),
    "Spanish": (pgettext_lazy("language", "Spanish"), {"іспанська", "español", "espanol"}),
    "Swedish": (pgettext_lazy("language", "Swedish"), {"шведська", "svenska"}),
    "Turkish": (pgettext_lazy("language", "Turkish"), {"турецька", "türkçe", "turkce"}),
    "Ukrainian": (pgettext_lazy("language", "Ukrainian"), {"українська"}),
}

_STORED_NAME = {
    spelling.casefold(): name
    for name, (_label, spellings) in KNOWN.items()
    for spelling in (name, *spellings, *(f"{s} мова" for s in spellings))
}


def split(text: str) -> list[str]:
    """The free-text field ("English, Ukrainian") as a list of names."""
    return [name.strip() for name in text.split(",") if name.strip()]


def normalize(text: str) -> str:
    """
    The field as it is stored: each known language under its English name, others as written, each
    once, in the order given ("українська, English, english" -> "Ukrainian, English").
    """
    names = (_STORED_NAME.get(name.casefold(), name) for name in split(text))
    return ", ".join(dict.fromkeys(names))


def label(name: str) -> str:
    """A stored name as pages show it: a known language in the active language, another as written."""
    known = KNOWN.get(name)
    return str(known[0]) if known else name


def stored_names_matching(word: str) -> list[str]:
    """
    The stored names of the known languages that a search word is part of, in any of their spellings or
    in the active language: "українськ" and "Ukrainian" give ["Ukrainian"] (the field keeps English names).
    A word shorter than three letters counts only as a whole spelling: "中文" is Chinese, "a" is nothing.
    """
    word = word.casefold()
    partial = len(word) >= 3  # "a" is part of nearly every name; a whole spelling ("中文") always counts
    return [
        name
        for name, (shown, spellings) in KNOWN.items()
        if any(
            word == spelling.casefold() or (partial and word in spelling.casefold())
            for spelling in (name, str(shown), *spellings)
        )
    ]
