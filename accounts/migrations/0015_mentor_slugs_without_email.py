"""
Mentor addresses made from the email address. Before core.slugs, a name in Cyrillic slugified to
nothing and the address fell back to the email's local part ("maria.private" -> /mentors/mariaprivate/),
publishing part of it. Such a profile gets its address from the name, in Latin letters, now.
"""

from django.db import migrations
from django.utils.text import slugify as django_slugify


def addresses_from_names(apps, schema_editor):
    from core.slugs import slugify  # a pure function: the transliteration the services use

    MentorProfile = apps.get_model("accounts", "MentorProfile")
    taken = set(MentorProfile.objects.values_list("slug", flat=True))
    for profile in MentorProfile.objects.select_related("user").order_by("pk"):
        handle = django_slugify(profile.user.email.split("@")[0])
        if not handle or not (profile.slug == handle or profile.slug.startswith(f"{handle}-")):
            continue
        base = slugify(f"{profile.user.first_name} {profile.user.last_name}".strip())[:70]
        if not base or profile.slug.startswith(base):
            continue  # the name itself reads as the handle (a Latin name): nothing was exposed
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.discard(profile.slug)
        taken.add(slug)
        MentorProfile.objects.filter(pk=profile.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0014_moderate_content_label"),
    ]

    operations = [migrations.RunPython(addresses_from_names, migrations.RunPython.noop)]
