"""Reads about users and mentors that cross relations."""

from django.db.models import Q, QuerySet

from accounts.models import MentorProfile, Topic


def mentor_directory(*, query: str = "", topic: str = "") -> QuerySet[MentorProfile]:
    """Active mentors for the public directory, searchable by name, headline or topic."""
    mentors = (
        MentorProfile.objects.filter(user__is_mentor=True, user__is_active=True)
        .select_related("user")
        .prefetch_related("topics")
        .order_by("user__first_name", "user__last_name", "pk")
    )
    if topic:
        mentors = mentors.filter(topics__slug=topic)
    for word in query.split()[:5]:
        mentors = mentors.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(headline__icontains=word)
            | Q(topics__name__icontains=word)
        )
    if topic or query:
        mentors = mentors.distinct()
    return mentors


def topics_in_use() -> QuerySet[Topic]:
    return Topic.objects.filter(mentors__user__is_mentor=True).distinct().order_by("name")
