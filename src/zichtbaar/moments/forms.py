from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zichtbaar.moments.models import Moment, MomentType
from zichtbaar.orgs.models import Organisation, Team

EMPLOYEE_FIELDS = [
    "type",
    "title",
    "what_happened",
    "facts_who",
    "facts_what",
    "facts_where",
    "happened_on",
    "link",
    "image",
    "client_name",
    "client_may_be_named",
]
COMMS_FIELDS = [
    *EMPLOYEE_FIELDS,
    "audience_everyone",
    "audience_teams",
    "shareable_from",
    "shareable_until",
]

# Text fields that are TextFields in the database get these limits in the form, so a megabyte
# pasted into one is a field error instead of a stored megabyte.
MAX_WHAT_HAPPENED = 5_000  # "in a few sentences"; a LinkedIn post is at most 3,000
MAX_TYPE_DESCRIPTION = 1_000


def bounded_text(limits: Mapping[str, int]) -> Callable[..., forms.Field | None]:
    """A ModelForm ``formfield_callback`` giving the named model fields a ``max_length`` (and the
    textarea its ``maxlength``)."""

    def formfield(db_field: Any, **kwargs: Any) -> forms.Field | None:
        if db_field.name in limits:
            kwargs["max_length"] = limits[db_field.name]
        return db_field.formfield(**kwargs)

    return formfield


MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Pixels are checked from the file's header, before anything is decoded: a small PNG can hold
# a 10,000 x 10,000 image that takes hundreds of MB to decode.
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 12_000
# What is stored: plenty for LinkedIn (which shows at most 1,200 px wide).
MAX_STORED_SIDE = 2_000


def _too_many_pixels() -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "The image has too many pixels. At most 40 megapixels and 12,000 pixels per side "
            "are accepted: please scale it down first."
        ),
        code="too_many_pixels",
    )


def check_image_upload(upload: Any) -> None:
    """Refuse an upload that is too large in bytes or pixels, without decoding its pixels."""
    from PIL import Image

    if (getattr(upload, "size", 0) or 0) > MAX_IMAGE_BYTES:
        raise forms.ValidationError(
            _("The image is larger than 5 MB. Please choose a smaller one."), code="too_large"
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:  # reads the header only
            width, height = probe.size
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except Exception:
        return  # not an image Pillow knows: the image field itself says so
    finally:
        upload.seek(0)
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
        raise _too_many_pixels()


class BoundedImageField(forms.ImageField):
    """An image field that checks bytes and pixel dimensions before Pillow verifies the file."""

    def to_python(self, data: Any) -> Any:
        if data not in self.empty_values and hasattr(data, "seek"):
            check_image_upload(data)
        return super().to_python(data)


def without_metadata(upload: Any) -> Any:
    """The uploaded image re-encoded without EXIF (phone photos carry the place they were taken)
    and scaled down to at most MAX_STORED_SIDE pixels on its longest side."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageOps

    upload.seek(0)
    with Image.open(upload) as original:
        fmt = original.format or "PNG"
        # Before the transpose, so a JPEG is decoded at a reduced scale (draft mode).
        original.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))
        image = ImageOps.exif_transpose(original)
        out = io.BytesIO()
        image.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return SimpleUploadedFile(upload.name, out.getvalue(), content_type=upload.content_type)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MomentForm(forms.ModelForm):
    """A moment as comms write it; employees get a shorter version (EmployeeMomentForm)."""

    class Meta:
        model = Moment
        fields = COMMS_FIELDS
        widgets = {
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "shareable_from": DateTimeInput(),
            "shareable_until": DateTimeInput(),
            "what_happened": forms.Textarea(attrs={"rows": 5}),
            "audience_teams": forms.CheckboxSelectMultiple,
        }
        field_classes = {"image": BoundedImageField}
        formfield_callback = bounded_text({"what_happened": MAX_WHAT_HAPPENED})
        help_texts = {
            "what_happened": _("In a few sentences: what happened, and why it matters."),
            "facts_who": _("Who was involved, e.g. 'team Data & AI with the municipality'."),
            "link": _("The page people will be sent to, e.g. the case, vacancy or event page."),
            "shareable_from": _(
                "Leave empty to allow sharing at once. With a date, the moment is under embargo until then."
            ),
            "client_may_be_named": _("Only tick this when the client agreed to be named."),
            "image": _(
                "At most 5 MB, 40 megapixels and 12,000 pixels per side. It is stored at most "
                "2,000 pixels on its longest side, without location data."
            ),
        }

    def __init__(self, *args: Any, org: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        kind = self.fields["type"]
        assert isinstance(kind, forms.ModelChoiceField)
        kind.queryset = MomentType.objects.filter(Q(org=None) | Q(org=org))
        # Just the name in the list (not str(type)); a subclass for one label is overkill.
        kind.label_from_instance = lambda t: t.name  # type: ignore[method-assign,assignment]
        teams = self.fields.get("audience_teams")
        if isinstance(teams, forms.ModelMultipleChoiceField):
            teams.queryset = Team.objects.filter(org=org)
        for name in ("shareable_from", "shareable_until"):
            field = self.fields.get(name)
            if isinstance(field, forms.DateTimeField):
                field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            return without_metadata(image)
        return image

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("shareable_from"), data.get("shareable_until")
        if start and end and end <= start:
            self.add_error("shareable_until", _("This must be later than 'shareable from'."))
        if (
            "audience_everyone" in self.fields
            and not data.get("audience_everyone")
            and not data.get("audience_teams")
        ):
            self.add_error("audience_teams", _("Choose at least one team, or everyone."))
        if data.get("client_may_be_named") and not data.get("client_name"):
            self.add_error(
                "client_name", _("Name the client, or untick 'the client may be named'.")
            )
        return data

    def moment_data(self) -> dict[str, Any]:
        """The cleaned fields for the services (teams are passed separately)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "audience_teams"}

    def teams(self) -> list[Team]:
        return list(self.cleaned_data.get("audience_teams") or [])


class EmployeeMomentForm(MomentForm):
    class Meta(MomentForm.Meta):
        fields = EMPLOYEE_FIELDS


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the submitter change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class MomentTypeForm(forms.ModelForm):
    """An organisation's own moment type, with the angles its drafts should take.

    The angles to choose from are ``(key, label)`` pairs given by the page that shows the form:
    drafts (and so their angles) belong to compose, a layer above moments. Without them no
    choice is valid, so the form never stores a type whose drafts can't be written.
    """

    angles = forms.MultipleChoiceField(
        label=_("Kinds of draft to offer"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pick at least three: people choose between them when they write."),
    )
    icon = forms.ChoiceField(label=_("Icon"), widget=forms.RadioSelect)

    class Meta:
        model = MomentType
        fields = ["name_nl", "name_en", "description_nl", "description_en", "icon", "angles"]
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }
        formfield_callback = bounded_text(
            {"description_nl": MAX_TYPE_DESCRIPTION, "description_en": MAX_TYPE_DESCRIPTION}
        )

    def __init__(self, *args: Any, angles: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        from zichtbaar.moments.templatetags.moment_icons import TYPE_ICONS

        super().__init__(*args, **kwargs)
        field = self.fields["angles"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(angles)
        icon = self.fields["icon"]
        assert isinstance(icon, forms.ChoiceField)
        icon.choices = [(name, name) for name in TYPE_ICONS]

    def clean_angles(self) -> list[str]:
        chosen = self.cleaned_data["angles"]
        if len(chosen) < 3:
            raise forms.ValidationError(_("Pick at least three, so everyone has a real choice."))
        return list(chosen)
