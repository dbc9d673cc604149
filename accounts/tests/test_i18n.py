"""Every string a user reads is marked for translation, so a Ukrainian version only needs a catalogue."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
TRANSLATED_BLOCK = re.compile(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", re.S)
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)
TEMPLATE_SYNTAX = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
VISIBLE_ATTRIBUTE = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[A-Za-z]{2,}")


def untranslated_text(source: str) -> list[str]:
    """Literal words left in a template once translated blocks, template syntax and tags are removed."""
    text = TEMPLATE_SYNTAX.sub(" ", SCRIPT_OR_STYLE.sub(" ", COMMENT.sub(" ", TRANSLATED_BLOCK.sub(" ", source))))
    found = [value for value in VISIBLE_ATTRIBUTE.findall(text) if WORD.search(value)]
    found += [line.strip() for line in TAG.sub("\n", text).splitlines() if WORD.search(line)]
    return found


def test_the_scan_finds_literal_text_and_ignores_marked_text():
    source = (
        '<p>{% translate "Marked" %}</p><p>Plain words</p><input placeholder="Search">'
        '{% blocktranslate %}Also {{ x }} marked{% endblocktranslate %}<i title="{{ label }}"></i>'
    )
    assert untranslated_text(source) == ["Search", "Plain words"]


@pytest.mark.parametrize(
    "path",
    sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]),  # pages and emails, HTML and plain text
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_templates_have_no_untranslated_text(path):
    assert untranslated_text(path.read_text()) == []


# --- The Ukrainian catalogue: complete, compiled, and current with the code ---

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "uk" / "LC_MESSAGES" / "django.po"
UKRAINIAN_PLURAL_FORMS = 4


def _entry_key(entry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def test_every_ukrainian_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    incomplete_plurals = [
        e.msgid
        for e in catalogue.translated_entries()
        if e.msgid_plural and sum(1 for text in e.msgstr_plural.values() if text) < UKRAINIAN_PLURAL_FORMS
    ]
    assert (untranslated, fuzzy, incomplete_plurals) == ([], [], [])
    assert not catalogue.metadata_is_fuzzy and catalogue.metadata["Language"] == "uk"


def test_the_compiled_catalogue_is_fresh():
    """`make install` compiles django.mo from django.po; a stale one would serve old texts."""
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists(), "run `make install` (msgfmt) to compile the catalogue"
    with compiled.open("rb") as stream:
        served = gettext.GNUTranslations(stream)._catalog
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            assert served[(msgid, 0)] == entry.msgstr_plural[0], entry.msgid
        else:
            assert served[msgid] == entry.msgstr, entry.msgid


def test_the_catalogue_holds_exactly_the_strings_of_the_code_and_templates(tmp_path):
    """makemessages on a copy of the tree finds no string the catalogue lacks, and no leftover."""
    base = Path(settings.BASE_DIR)
    ignored = shutil.ignore_patterns(
        ".*", "__pycache__", "locale", "media", "staticfiles", "test-results", "*.sqlite3*"
    )
    copy = tmp_path / "tree"
    shutil.copytree(base, copy, ignore=ignored)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "uk", "--no-location", "--ignore", "e2e/*",
         "--ignore", "bench/*", "--verbosity", "0"],
        cwd=copy, check=True, env={**os.environ, "DEBUG": "true"},
    )  # fmt: skip
    fresh = {_entry_key(e) for e in polib.pofile(str(copy / "locale/uk/LC_MESSAGES/django.po"))}
    ours = {_entry_key(e) for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    assert sorted(fresh - ours) == [], "new strings: run makemessages (README, Translations) and translate them"
    assert sorted(ours - fresh) == [], "strings no longer used: run makemessages to drop them"


def test_the_corrections_to_allauth_s_and_django_s_ukrainian_are_their_strings_and_win_over_their_catalogues():
    import allauth
    import django
    from django.utils import translation

    django_dir = Path(django.__file__).parent
    catalogues = [
        Path(allauth.__file__).parent / "locale",
        django_dir / "conf" / "locale",  # a few of Django's own: "This field is required."
        django_dir / "contrib" / "auth" / "locale",  # and its password rules
        django_dir / "contrib" / "admin" / "locale",  # and the admin's few it leaves untranslated
    ]
    known = {
        entry.msgid
        for folder in catalogues
        for entry in polib.pofile(str(folder / "uk" / "LC_MESSAGES" / "django.po"))
        if not entry.obsolete
    }
    corrections = polib.pofile(str(Path(settings.BASE_DIR) / "locale_overrides" / "uk" / "LC_MESSAGES" / "django.po"))
    assert len(corrections) > 50

    def translated(entry):
        return all(entry.msgstr_plural.values()) if entry.msgid_plural else bool(entry.msgstr)

    assert all(entry.msgid in known and translated(entry) for entry in corrections)  # allauth renamed one: drop it
    lookup = translation.gettext  # by another name: these are allauth's strings, not ours to extract
    with translation.override("uk"):
        assert lookup("Verify Your Email Address") == "Підтвердіть свою адресу електронної пошти"
        assert lookup("Reset My Password") == "Відновити пароль"  # not "Відновити Мій Пароль"
        assert lookup("Sessions") == "Сеанси"  # the signed-in devices, not our "Консультації" (consultations)
        assert lookup("Your password can’t be entirely numeric.") == "Пароль не може складатися лише з цифр."
        plural = translation.ngettext  # by another name too: Django's string, not ours to extract
        digits = plural(
            "Ensure that there are no more than %(max)s digit in total.",
            "Ensure that there are no more than %(max)s digits in total.",
            6,
        )
        assert digits == "Переконайтеся, що загалом тут не більше ніж %(max)s цифр."  # not «цифер»


def test_allauth_s_ukrainian_says_avtentyfikatsiia_as_ours_does():
    """allauth's catalogue says «аутентифікація» where ours says «автентифікація» (the spelling of 2019): one word."""
    import allauth
    from django.utils import translation

    theirs = polib.pofile(str(Path(allauth.__file__).parent / "locale" / "uk" / "LC_MESSAGES" / "django.po"))
    spelled = [e.msgid for e in theirs if not e.obsolete and not e.msgid_plural and "утентифік" in e.msgstr.lower()]
    assert spelled
    with translation.override("uk"):
        assert [msgid for msgid in spelled if "утентифік" in translation.gettext(msgid).lower()] == []


LIBRARIES_WITHOUT_UKRAINIAN = ("post_office", "django_apscheduler", "auditlog")


def test_the_libraries_that_ship_no_ukrainian_have_all_their_strings_in_ours(tmp_path):
    """
    xgettext over django-post-office, django-apscheduler and django-auditlog, their code and their
    templates (turned into code as makemessages does): each string reads in Ukrainian (locale_libraries).
    """
    import importlib

    from django.utils.translation.template import templatize

    sources = []
    for name in LIBRARIES_WITHOUT_UKRAINIAN:
        package = Path(importlib.import_module(name).__file__).parent
        sources += [str(p) for p in package.rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts]
        for number, template in enumerate(package.rglob("*.html")):  # their admin templates ("Resend")
            as_code = tmp_path / f"{name}-{number}.py"
            as_code.write_text(templatize(template.read_text(), origin=str(template)))
            sources.append(str(as_code))
    pot = tmp_path / "libraries.pot"
    keywords = [
        "_",
        "gettext",
        "gettext_lazy",
        "pgettext:1c,2",
        "pgettext_lazy:1c,2",
        "ngettext:1,2",
        "npgettext:1c,2,3",
    ]
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            *[f"--keyword={k}" for k in keywords],
            "-o",
            pot,
            *sources,
        ],
        check=True,
    )
    from django.utils import translation

    theirs = {(e.msgctxt, e.msgid) for e in polib.pofile(str(pot))}
    assert (None, "Resend") in theirs and (None, "No field changes") in theirs
    ours = polib.pofile(str(Path(settings.BASE_DIR) / "locale_libraries" / "uk" / "LC_MESSAGES" / "django.po"))
    assert {(e.msgctxt, e.msgid) for e in ours} <= theirs and all(e.msgstr for e in ours)  # a library dropped one
    lookup, in_context = translation.gettext, translation.pgettext  # by other names: their strings, not ours
    with translation.override("uk"):
        english = [msgid for ctx, msgid in theirs if (in_context(ctx, msgid) if ctx else lookup(msgid)) == msgid]
    assert english == []  # a library added a string: translate it in locale_libraries


@pytest.mark.django_db
def test_the_admin_names_every_app_once_and_in_ukrainian():
    """Our names for the libraries' apps and models (mentorship_platform/apps.py): none English, none twice."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.utils import translation

    from accounts.tests.factories import UserFactory

    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    with translation.override("uk"):
        names = [str(app["name"]) for app in admin.site.get_app_list(request)]
        models = [str(model["name"]) for app in admin.site.get_app_list(request) for model in app["models"]]
        header = str(admin.site.site_header)
    assert len(names) == len(set(names)) > 15
    english = [name for name in names if re.fullmatch(r"[A-Za-z ]+", name) and name != "REST API"]
    assert english == []
    # The libraries' models too: no "Django jobs", "Authenticators" or "User sessions".
    assert len(models) > 40 and [name for name in models if re.fullmatch(r"[A-Za-z ]+", name)] == []
    assert header == "Адміністрування платформи «Менторство»"  # not "Django administration"


@pytest.mark.django_db
def test_the_admin_names_every_field_and_column_in_ukrainian():
    """Each model's fields and each list's columns, ours and the libraries' ("Last used at", "Local run time")."""
    from django.contrib import admin
    from django.contrib.admin.utils import label_for_field
    from django.utils import translation

    technical = {"ID", "Message-ID"}  # the same in Ukrainian
    english = []
    with translation.override("uk"):
        for model, model_admin in admin.site._registry.items():
            labels = [str(field.verbose_name) for field in model._meta.concrete_fields if not field.primary_key]
            labels += [label_for_field(name, model, model_admin) for name in model_admin.list_display]
            english += [
                f"{model._meta.label}: {label}"
                for label in map(str, labels)
                if label not in technical and re.fullmatch(r"[A-Za-z ()_-]+", label)
            ]
    assert english == []
