from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import images
from accounts.models import Topic
from articles import services
from articles.models import BODY_MAX_LENGTH, COMMENT_MAX_LENGTH, TITLE_MAX_LENGTH, Reaction
from core.forms import IdMultipleChoiceField
from core.uploads import RefusedUpload


def _by_the_service(check, value):
    """The service's own rule, so the page and the service say the same thing."""
    try:
        return check(value)
    except services.ArticleError as error:
        raise forms.ValidationError(error.message, code=error.code) from None


class CoverField(forms.FileField):
    """An image; the service validates and re-encodes it (``accounts.images.normalize_photo``)."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        if isinstance(data, RefusedUpload):  # refused while it streamed in: say why, not "empty"
            raise images.too_large(data.received)
        return super().clean(data, initial)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ArticleForm(forms.Form):
    DRAFT, NOW, LATER = "draft", "now", "later"

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16, "maxlength": BODY_MAX_LENGTH}),
        help_text=_(
            "Markdown: **bold**, *italic*, [a link](https://example.com), lists with - or 1., "
            "## headings, > quotes, `code`. HTML is shown as text."
        ),
    )
    cover = CoverField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG or WEBP up to 5 MB; cropped to 1200 × 630."),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    topics = IdMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )
    publish = forms.ChoiceField(
        label=_("Publication"),
        choices=[(DRAFT, _("Keep as a draft")), (NOW, _("Publish now")), (LATER, _("Publish at a later time"))],
        initial=DRAFT,
        widget=forms.RadioSelect,
    )
    publish_at = forms.DateTimeField(
        label=_("Publication time"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("In your time zone. Followers are told when it goes public."),
    )

    def __init__(self, *args, article=None, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)
        if article is None:
            del self.fields["remove_cover"]

    @property
    def cover_to_choose_again(self) -> bool:
        """A good image was chosen but something else was refused: browsers do not keep a chosen file."""
        return self.is_bound and bool(self.errors) and bool(self.files.get("cover")) and "cover" not in self.errors

    def clean_title(self):
        return _by_the_service(services.check_title, self.cleaned_data["title"])

    def clean_body(self):
        return _by_the_service(services.check_body, self.cleaned_data["body"])

    def clean(self):
        data = super().clean()
        if data.get("publish") == self.LATER and not data.get("publish_at") and "publish_at" not in self.errors:
            self.add_error("publish_at", _("Choose when to publish it."))
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
    )

    def clean_body(self):
        return _by_the_service(services.check_comment, self.cleaned_data["body"])


class ReactionForm(forms.Form):
    value = forms.ChoiceField(choices=Reaction.Value.choices)


class ArticleSearchForm(forms.Form):
    """The public list's query string; anything odd is ignored rather than refused."""

    q = forms.CharField(label=_("Search articles"), required=False, max_length=100)
    topic = forms.SlugField(required=False, max_length=60)
    author = forms.SlugField(required=False, max_length=80)

    def values(self) -> dict:
        self.is_valid()  # a field that is not valid is left out; the others still apply
        return {name: (self.cleaned_data.get(name) or "").strip() for name in self.fields}
