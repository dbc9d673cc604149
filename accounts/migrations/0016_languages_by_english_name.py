from django.db import migrations


def store_by_english_name(apps, schema_editor):
    """ "українська, English" -> "Ukrainian, English": one name per known language (accounts.languages)."""
    from accounts.languages import normalize  # a pure function over a fixed table

    MentorProfile = apps.get_model("accounts", "MentorProfile")
    for pk, text in MentorProfile.objects.exclude(languages="").values_list("pk", "languages"):
        stored = normalize(text)
        if stored != text:
            MentorProfile.objects.filter(pk=pk).update(languages=stored)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0015_mentor_slugs_without_email"),
    ]

    operations = [migrations.RunPython(store_by_english_name, migrations.RunPython.noop)]
