"""
Slugs for public addresses from names and titles in Ukrainian as well as English: Cyrillic is written
in Latin letters by Ukraine's official transliteration (Cabinet of Ministers resolution No. 55 of 2010,
the one in passports), then Django's ``slugify`` does the rest. "Марія Гнатюк" -> "mariia-hnatiuk",
"Як почати з Python" -> "yak-pochaty-z-python". Russian-only letters get their usual Latin forms, and
Latin letters Django would drop their plain ones ("Łukasz Bøe" -> "lukasz-boe").
"""

from django.utils.text import slugify as django_slugify

# Letters written one way at the start of a word and another way inside it (є ї й ю я).
_WORD_START = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
    # Russian letters that Ukrainian does not have
    "ё": "io", "ъ": "", "ы": "y", "э": "e",
    # Latin letters that do not come apart into a plain letter and an accent (Django drops those)
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i",
}  # fmt: skip


def transliterate(text: str) -> str:
    """Cyrillic letters as Latin ones (lower case); every other character is kept."""
    out = []
    previous = ""
    word_start = True
    for char in text.lower():
        if char == "г" and previous == "з":
            latin = "gh"  # "зг" is "zgh", so that it does not read as "zh": Згорани -> Zghorany
        elif word_start and char in _WORD_START:
            latin = _WORD_START[char]
        else:
            latin = _LETTERS.get(char, char)
        out.append(latin)
        if char.isalpha():
            word_start = False
        elif char not in "'’ʼ":  # an apostrophe does not start a new word: "п'ять" -> "piat"
            word_start = True
        previous = char
    return "".join(out)


def slugify(text: str) -> str:
    """A slug of ``text`` in any of the site's languages: empty when nothing of it can be written."""
    return django_slugify(transliterate(text))
