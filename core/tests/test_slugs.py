"""Public addresses from Ukrainian names and titles: Latin letters by Ukraine's official transliteration."""

import pytest

from core.slugs import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Марія Гнатюк", "mariia-hnatiuk"),
        ("Олексій Євтушенко", "oleksii-yevtushenko"),  # є at the start of a word is "ye", inside it "ie"
        ("Юлія Їжакевич", "yuliia-yizhakevych"),
        ("Сергій Ярошенко", "serhii-yaroshenko"),
        ("Мар'яна", "mariana"),  # the apostrophe is dropped and does not start a new word
        ("Згорани", "zghorany"),  # "зг" is not "zh"
        ("Ґанок і щастя", "ganok-i-shchastia"),
        ("Як почати з Python 3.12", "yak-pochaty-z-python-312"),
        ("O'Brien & Sons", "obrien-sons"),
        ("<script>", "script"),
        ("😀 ★", ""),
    ],
)
def test_names_and_titles_in_either_language_make_readable_slugs(text, slug):
    assert slugify(text) == slug


def test_latin_letters_without_a_plain_form_keep_one():
    assert slugify("Ołeh O'Brien-Dmytrenko") == "oleh-obrien-dmytrenko"
    assert slugify("Łukasz Bøe Straße") == "lukasz-boe-strasse"
    assert slugify("Zoë Ünal") == "zoe-unal"
