import pytest
from django import forms

from accounts.models import Topic
from core.forms import IdMultipleChoiceField


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9" * 40, str(2**63), "-1", "²", "1e3", "\x00"])
def test_values_that_cannot_be_ids_are_a_form_error_not_a_database_error(value):
    class Form(forms.Form):
        topics = IdMultipleChoiceField(queryset=Topic.objects.all(), required=False)

    form = Form({"topics": [value]})
    assert not form.is_valid() and "topics" in form.errors


@pytest.mark.django_db
def test_real_ids_still_work():
    topic = Topic.objects.create(name="Go", slug="go")

    class Form(forms.Form):
        topics = IdMultipleChoiceField(queryset=Topic.objects.all(), required=False)

    form = Form({"topics": [str(topic.pk)]})
    assert form.is_valid() and list(form.cleaned_data["topics"]) == [topic]
