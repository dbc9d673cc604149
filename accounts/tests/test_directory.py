"""
The mentor directory on the home page: filters by topic, language, price and "available this week",
sorting, the text query, links that keep the other filters, hostile parameters, the cache key and the
pinned query count (``DirectoryFilterForm``, ``DirectorySearch``, ``selectors.mentor_directory``).
"""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.forms import DirectoryFilterForm, DirectorySearch
from accounts.tests.factories import ListedMentorFactory, TopicFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
HOME = reverse("home")
EVERYONE_SOONEST_FIRST = ["Chen Free", "Anna Python", "Dana Careers", "Boris Later"]

BIG = "x" * 1_000_000
SCRIPT = "<script>alert(1)</script>"
HOSTILE_VALUES = (
    "",
    " \t\n ",
    BIG,
    "-1",
    "-0.01",
    "99999999999999999999999999999999",
    str(2**63),
    "1e400",
    "10.555",
    "NaN",
    "Infinity",
    "²",
    "a\x00b",
    SCRIPT,
    "' OR 1=1 --",
    "../../etc/passwd",
    "(^|,).*",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ Ї",
)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _mentor(first, last, *, topics, languages, price, days, bio="", is_free=False):
    return ListedMentorFactory(
        first_name=first,
        last_name=last,
        profile__topics=topics,
        profile__languages=languages,
        profile__price=price,
        profile__is_free=is_free,
        profile__bio=bio,
        listed__start=NOW + dt.timedelta(days=days),
    )


@pytest.fixture
def world():
    python, careers, design = TopicFactory(name="Python"), TopicFactory(name="Careers"), TopicFactory(name="Design")
    return {
        "anna": _mentor("Anna", "Python", topics=[python], languages="English, Ukrainian", price=50, days=2,
                        bio="Ten years of Django."),
        "boris": _mentor("Boris", "Later", topics=[python, careers], languages="german", price=20, days=10),
        "chen": _mentor("Chen", "Free", topics=[design], languages="English", price=0, is_free=True, days=1,
                        bio="Figma and design systems."),
        "dana": _mentor("Dana", "Careers", topics=[careers], languages="Українська, English", price=100, days=3),
    }  # fmt: skip


CARD_NAME = re.compile(r'class="stretched-link[^"]*" href="[^"]*">([^<]+)</a>')


def _names(client, params=None) -> list[str]:
    response = client.get(HOME, params or {})
    assert response.status_code == 200
    return [html.unescape(name) for name in CARD_NAME.findall(response.content.decode())]


# --- Each filter ---


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, EVERYONE_SOONEST_FIRST),
        ({"topic": "python"}, ["Anna Python", "Boris Later"]),
        ({"topic": "careers"}, ["Dana Careers", "Boris Later"]),
        ({"language": "English"}, ["Chen Free", "Anna Python", "Dana Careers"]),
        ({"language": "GERMAN"}, ["Boris Later"]),  # any case
        ({"language": "українська"}, ["Dana Careers"]),  # any case, beyond ASCII too
        ({"price_min": "20", "price_max": "50"}, ["Anna Python", "Boris Later"]),
        ({"price_min": "50", "price_max": "20"}, ["Anna Python", "Boris Later"]),  # the wrong way round
        ({"price_max": "0"}, ["Chen Free"]),
        ({"price_min": "60"}, ["Dana Careers"]),
        ({"price_min": "20.50"}, ["Anna Python", "Dana Careers"]),
        ({"this_week": "on"}, ["Chen Free", "Anna Python", "Dana Careers"]),
        ({"sort": "soonest"}, EVERYONE_SOONEST_FIRST),
        ({"sort": "price"}, ["Chen Free", "Boris Later", "Anna Python", "Dana Careers"]),
    ],
    ids=lambda value: str(value),
)
def test_each_filter_and_sort(client, world, params, expected):
    assert _names(client, params) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("django", ["Anna Python"]),  # bio
        ("FIGMA", ["Chen Free"]),  # bio, any case
        ("german", ["Boris Later"]),  # languages
        ("ukrainian", ["Anna Python"]),  # languages
        ("careers", ["Dana Careers", "Boris Later"]),  # a topic name, and a last name
        ("python django", ["Anna Python"]),  # every word must match
        ("nobody", []),
    ],
)
def test_the_text_query_searches_names_headline_bio_languages_and_topics(client, world, query, expected):
    assert _names(client, {"q": query}) == expected


@pytest.mark.parametrize(
    "query",
    ["програмування", "ПРОГРАМ", "українська", "українськ", "англійська", "десять", "ОЛЕНА", "Ukrainian"],
)
def test_the_text_query_finds_what_the_ukrainian_page_shows_in_any_case(client, query):
    """
    The cards show topics and languages in the reader's language: searching those words finds the
    mentor, whatever the case (also on SQLite, whose own LIKE folds only ASCII letters).
    """
    programming = TopicFactory(name="Programming", name_uk="Програмування")
    ListedMentorFactory(
        first_name="Олена",
        last_name="Коваленко",
        profile__topics=[programming],
        profile__languages="Ukrainian, English",
        profile__bio="Десять років у розробці.",
        listed__start=NOW + dt.timedelta(days=1),
    )
    _mentor("Other", "Person", topics=[TopicFactory(name="Fitness")], languages="German", price=20, days=1)
    assert _names(client, {"q": query}) == ["Олена Коваленко"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "english", "topic": "python", "this_week": "on"}, ["Anna Python"]),
        ({"q": "english", "sort": "price"}, ["Chen Free", "Anna Python", "Dana Careers"]),
        ({"q": "python", "language": "german"}, ["Boris Later"]),
        ({"q": "english", "price_min": "1", "sort": "price"}, ["Anna Python", "Dana Careers"]),
        ({"topic": "careers", "language": "English", "this_week": "on", "price_max": "100"}, ["Dana Careers"]),
        ({"q": "english", "topic": "python", "language": "german"}, []),
    ],
    ids=lambda value: str(value),
)
def test_filters_combine_with_the_query_and_with_each_other(client, world, params, expected):
    assert _names(client, params) == expected


def test_a_language_matches_whole_items_and_its_special_characters_literally(client, world):
    ListedMentorFactory(first_name="Eve", last_name="Plus", profile__languages="C++, English",
                        listed__start=NOW + dt.timedelta(days=4))  # fmt: skip
    assert _names(client, {"language": "C++"}) == ["Eve Plus"]
    assert _names(client, {"language": "Engl"}) == [*EVERYONE_SOONEST_FIRST[:3], "Eve Plus", "Boris Later"]


def test_the_filter_form_offers_the_languages_and_topics_of_listed_mentors(client, world):
    form = client.get(HOME).context["form"]
    assert [value for value, _label in form.fields["language"].widget.choices] == [
        "",
        "English",
        "german",
        "Ukrainian",
        "Українська",
    ]
    assert [value for value, _label in form.fields["topic"].widget.choices] == ["", "careers", "design", "python"]


# --- Links keep the other filters ---

FILTERED = {"q": "english", "language": "English", "price_max": "60", "this_week": "on", "sort": "price"}


def test_a_topic_chip_keeps_the_query_and_the_other_filters(client, world):
    page = client.get(HOME, {**FILTERED, "topic": "python", "page": "1"}).content.decode()

    careers = "/?q=english&topic=careers&language=English&price_max=60&this_week=on&sort=price#mentors"
    everything = "/?q=english&language=English&price_max=60&this_week=on&sort=price#mentors"
    assert f'href="{html.escape(careers)}"' in page
    assert f'href="{html.escape(everything)}"' in page  # "All" drops only the topic
    assert 'aria-current="true">Python</a>' in page


def test_pages_keep_the_filters(client, world):
    for i in range(13):
        ListedMentorFactory(first_name=f"Extra{i:02d}", profile__languages="English",
                            listed__start=NOW + dt.timedelta(days=5))  # fmt: skip
    page = client.get(HOME, {"language": "English", "sort": "price"}).content.decode()
    assert 'href="?language=English&amp;sort=price&amp;page=2"' in page
    second = _names(client, {"language": "English", "sort": "price", "page": "2"})
    assert len(second) == 16 - 12


def test_the_filter_form_shows_the_search_as_understood(client, world):
    form = client.get(HOME, {**FILTERED, "price_min": "-5", "topic": "nope"}).context["form"]
    assert form.data == FILTERED  # the bad values are gone, the good ones kept


def test_a_filtered_page_hides_the_hero_and_offers_to_clear_the_filters(client, world):
    plain = client.get(HOME).content.decode()
    filtered = client.get(HOME, {"sort": "price"}).content.decode()
    assert "How it works" in plain and "Clear filters" not in plain
    assert "How it works" not in filtered and "Clear filters" in filtered
    for page in (plain, filtered, client.get(HOME, {"topic": "no-such-topic"}).content.decode()):
        assert page.count("<h1") == 1  # the hero's, or the directory's when the hero is hidden
    assert "<title>Mentors for “python &amp; &lt;b&gt;”" in client.get(HOME, {"q": "python & <b>"}).content.decode()


def test_directory_search_builds_links_and_parameters():
    search = DirectorySearch(query="a b", topic="python", price_min=Decimal("10"), this_week=True, page=3)

    assert search.params() == {"q": "a b", "topic": "python", "price_min": "10", "this_week": "on", "page": "3"}
    assert search.url(topic="design") == "/?q=a+b&topic=design&price_min=10&this_week=on#mentors"
    assert search.url(query="", topic="", price_min=None, this_week=False) == "/#mentors"
    assert DirectorySearch().url() == "/#mentors" and not DirectorySearch().is_filtered
    within = search.within(topics={"design"}, languages=["English"])
    assert (within.topic, within.language) == ("", "")
    assert DirectorySearch(language="english").within(topics=set(), languages=["English"]).language == "English"


# --- Hostile values ---

FIELDS = ["q", "topic", "language", "price_min", "price_max", "this_week", "sort", "page"]


@pytest.mark.parametrize("field", FIELDS)
def test_hostile_values_are_ignored_without_an_error(client, world, field):
    for value in HOSTILE_VALUES:
        response = client.get(HOME, {field: value})
        assert response.status_code == 200, (field, value[:20])
        content = response.content.decode()
        assert SCRIPT not in content and len(content) < 200_000, (field, value[:20])
        names = [html.unescape(n) for n in CARD_NAME.findall(content)]
        if field == "q" and value.strip() and value not in (BIG, "a\x00b"):
            continue  # short text is a valid query: it may well match nobody
        if field == "this_week" and value:
            assert names == ["Chen Free", "Anna Python", "Dana Careers"], value[:20]  # any value ticks a box
            continue
        assert names == EVERYONE_SOONEST_FIRST, (field, value[:20])


def test_the_form_ignores_each_bad_value_on_its_own():
    search = DirectoryFilterForm(
        {"q": "ok", "topic": "a b", "price_min": "-1", "price_max": "80", "sort": "random", "page": "0"}
    ).search()
    assert search == DirectorySearch(query="ok", price_max=Decimal("80"))


# --- Caching and the query count ---


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        ("q", "figma", ["Chen Free"]),
        ("topic", "design", ["Chen Free"]),
        ("language", "german", ["Boris Later"]),
        ("price_min", "60", ["Dana Careers"]),
        ("price_max", "10", ["Chen Free"]),
        ("this_week", "on", ["Chen Free", "Anna Python", "Dana Careers"]),
        ("sort", "price", ["Chen Free", "Boris Later", "Anna Python", "Dana Careers"]),
    ],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_every_filter_is_part_of_the_cache_key(client, world, mentee, param, value, expected, signed_in):
    if signed_in:
        client.force_login(mentee)
    assert _names(client, {}) == EVERYONE_SOONEST_FIRST  # now cached
    assert _names(client, {param: value}) == expected
    assert _names(client, {}) == EVERYONE_SOONEST_FIRST


ALL_FILTERS = {
    "q": "helps",
    "topic": "careers",
    "language": "english",
    "price_min": "10",
    "price_max": "100",
    "this_week": "on",
    "sort": "price",
}


# Signed in: two more for the session and user, one for the header's unread counts.
@pytest.mark.parametrize(("user_fixture", "queries"), [(None, 5), ("mentee", 8)])
@pytest.mark.parametrize("mentors", [3, 30])
def test_the_filtered_home_page_runs_a_fixed_number_of_queries(
    client, request, django_assert_num_queries, user_fixture, queries, mentors
):
    """Count, page, the page's topics, topic chips, languages; a signed-in user adds session and user."""
    careers = TopicFactory(name="Careers")
    for i in range(mentors):
        ListedMentorFactory(profile__topics=[careers], profile__languages="English, Polish",
                            listed__start=NOW + dt.timedelta(days=1, hours=i))  # fmt: skip
    if user_fixture:
        client.force_login(request.getfixturevalue(user_fixture))

    with django_assert_num_queries(queries):
        response = client.get(HOME, ALL_FILTERS)

    assert len(CARD_NAME.findall(response.content.decode())) == min(mentors, 12)


def test_a_language_written_in_ukrainian_or_english_is_one_language_shown_in_the_reader_s(client):
    from django.utils import translation

    from accounts import languages, services

    assert languages.normalize("українська, English, english, Українська мова, Klingon") == (
        "Ukrainian, English, Klingon"
    )
    mentor = ListedMentorFactory()
    profile = mentor.mentor_profile
    services.mentor_profile_update(
        profile=profile, headline=profile.headline, bio="", topics=profile.topics.all(), years_experience=3,
        price=profile.price, session_minutes=60, languages="українська, Polski, Klingon",
    )  # fmt: skip
    profile.refresh_from_db()
    assert profile.languages == "Ukrainian, Polish, Klingon"
    assert profile.language_list == ["Ukrainian", "Polish", "Klingon"]
    with translation.override("uk"):
        assert profile.language_list == ["Українська", "Польська", "Klingon"]
    page = client.get("/", {"language": "Ukrainian"}).content.decode()
    assert f'href="{profile.get_absolute_url()}"' in page and '<option value="Ukrainian" selected>' in page


def test_a_short_word_names_a_language_only_as_a_whole_spelling():
    from accounts.languages import stored_names_matching

    assert stored_names_matching("中文") == ["Chinese"]  # two letters, a whole native name
    assert stored_names_matching("a") == [] and stored_names_matching("ка") == []  # part of nearly every name
    assert stored_names_matching("україн") == ["Ukrainian"]
