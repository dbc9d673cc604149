"""Demo articles for ``seed_demo``: a few by the demo mentors, with comments, likes and a follower."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from articles import services
from articles.models import Article, Comment, Follow, Reaction

# (mentor index, title, Markdown, topic names, days ago)
ARTICLES = [
    (
        0,
        "Five habits that make code reviews faster",
        "Reviews stall when changes are large and intentions are hidden.\n\n"
        "## Keep changes small\n\nA reviewer reads **200 lines** carefully and skims 2,000.\n\n"
        "## Say why\n\n- what problem it solves\n- what you tried first\n- what you are unsure about\n\n"
        "> Review the code you wish you had received.\n\n"
        "More in the [Google engineering practices](https://google.github.io/eng-practices/review/).",
        ["Programming", "Careers"],
        9,
    ),
    (
        0,
        "Learning Python after thirty",
        "It is never late. Start with one small project you care about, and write a test for it on day one.\n\n"
        "1. Pick a problem from your job\n2. Automate one step\n3. Show it to a colleague",
        ["Programming"],
        3,
    ),
    (
        1,
        "A 20-minute workout for a desk job",
        "Three rounds, no equipment:\n\n| Exercise | Time |\n|---|---|\n| Squats | 60 s |\n| Push-ups | 45 s |\n"
        "| Plank | 45 s |\n\nRest a minute between rounds. Consistency beats intensity.",
        ["Fitness"],
        5,
    ),
    (
        2,
        "Index funds: the boring way that works",
        "Most active funds trail their index over ten years. Low fees, broad markets and *time* do the work.\n\n"
        "Write down your plan before the market tests it.",
        ["Investing"],
        1,
    ),
]
COMMENTS = [
    "Thank you, this is exactly what our team needed.",
    "The part about saying why made me rewrite my last pull request description.",
    "Could you write more about this next time?",
]


def seed(mentors, mentees, topics) -> int:
    """Create the demo articles once (skipped when any exist). Returns how many were made."""
    if Article.objects.exists():
        return 0
    now = timezone.now()
    made = 0
    with transaction.atomic():
        for index, title, body, topic_names, days_ago in ARTICLES:
            mentor = mentors[index]
            published = now - dt.timedelta(days=days_ago)
            article = services.article_create(
                author=mentor, title=title, body=body, topics=[topics[name] for name in topic_names], now=published
            )
            # Published in the past: written directly (the service publishes now or later) and marked as told.
            Article.objects.filter(pk=article.pk).update(
                status=Article.Status.PUBLISHED,
                published_at=published,
                announced_at=published,
                view_count=40 + 17 * made,
            )
            for i, mentee in enumerate(mentees[: 2 + made % 2]):
                Comment.objects.create(
                    article=article,
                    author=mentee,
                    body=COMMENTS[(made + i) % len(COMMENTS)],
                    created_at=published + dt.timedelta(hours=3 + i),
                )
                Reaction.objects.create(
                    article=article,
                    user=mentee,
                    value=Reaction.Value.DISLIKE if (made + i) % 5 == 4 else Reaction.Value.LIKE,
                    created_at=published + dt.timedelta(hours=2 + i),
                )
            made += 1
        # The first demo mentee follows the first mentor: the next article they publish reaches the bell.
        Follow.objects.get_or_create(follower=mentees[0], mentor=mentors[0], defaults={"created_at": now})
    return made
