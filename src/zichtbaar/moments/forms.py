from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zichtbaar.moments.models import MAX_TAG_LENGTH, MAX_TAGS, TEXT_FIELDS, Moment, MomentType
from zichtbaar.orgs.models import Language, Organisation, Team, User
from zichtbaar.orgs.selectors import active_members_by_address, split_addresses

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
    "involved_teams",
    "tags",
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


MAX_NOTE_TO_COMMS = 2_000
_TAG_SPLIT = re.compile(r"[\s,;]+")
_TAG = re.compile(r"^[^\W_][\w-]*$")


def parse_tags(value: str) -> list[str]:
    """ "#Cloud, azure  #WerkenBij" -> ["Cloud", "azure", "WerkenBij"]; raises on a bad tag."""
    tags: list[str] = []
    for raw in _TAG_SPLIT.split(value or ""):
        tag = raw.strip().lstrip("#")
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH or not _TAG.match(tag):
            raise forms.ValidationError(
                _("'%(tag)s' can't be a hashtag: letters and digits only, at most 40."),
                params={"tag": tag[:60]},
                code="bad_tag",
            )
        if tag.casefold() not in {t.casefold() for t in tags}:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise forms.ValidationError(
            _("At most %(n)d hashtags: more reads as advertising."),
            params={"n": MAX_TAGS},
            code="too_many_tags",
        )
    return tags


def other_language(language: str) -> str:
    return Language.EN if language == Language.NL else Language.NL


class MomentForm(forms.ModelForm):
    """A moment as comms write it; employees get a shorter version (EmployeeMomentForm).

    The main text fields are in the moment's language (the organisation's default language for a
    new moment) and required; the other language's fields (``other_*``) are optional, but a
    title and what happened go together.
    """

    tags = forms.CharField(
        label=_("Hashtags"),
        required=False,
        max_length=300,
        help_text=_("Up to five, separated by spaces or commas, e.g. #Cloud #Azure."),
    )
    other_title = forms.CharField(max_length=160, required=False)
    other_what_happened = forms.CharField(
        max_length=MAX_WHAT_HAPPENED, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    other_facts_who = forms.CharField(max_length=300, required=False)
    other_facts_what = forms.CharField(max_length=300, required=False)
    other_facts_where = forms.CharField(max_length=200, required=False)

    class Meta:
        model = Moment
        fields = COMMS_FIELDS
        widgets = {
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "shareable_from": DateTimeInput(),
            "shareable_until": DateTimeInput(),
            "what_happened": forms.Textarea(attrs={"rows": 5}),
            "audience_teams": forms.CheckboxSelectMultiple,
            "involved_teams": forms.CheckboxSelectMultiple,
        }
        field_classes = {"image": BoundedImageField}
        formfield_callback = bounded_text({"what_happened": MAX_WHAT_HAPPENED})
        help_texts = {
            "what_happened": _(
                "In a few sentences: what happened, and why it matters. Name who did it "
                "('team Cloud delivered...') rather than 'we': drafts quote it for everyone."
            ),
            "facts_who": _("Who was involved, e.g. 'team Data & AI with the municipality'."),
            "link": _("The page people will be sent to, e.g. the case, vacancy or event page."),
            "shareable_from": _(
                "Leave empty to allow sharing at once. With a date, the moment is under embargo until then."
            ),
            "client_may_be_named": _("Only tick this when the client agreed to be named."),
            "involved_teams": _(
                "Their people's drafts speak as insiders ('we delivered'); everyone else's as "
                "colleagues ('my colleagues in Cloud delivered')."
            ),
            "image": _(
                "At most 5 MB, 40 megapixels and 12,000 pixels per side. It is stored at most "
                "2,000 pixels on its longest side, without location data."
            ),
        }

    def __init__(self, *args: Any, org: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        instance = self.instance
        self.language = instance.language if instance.pk else org.default_language
        self.other_language = other_language(self.language)
        names = dict(Language.choices)
        main, other = str(names[self.language]), str(names[self.other_language])
        for name in TEXT_FIELDS:
            if name in self.fields:
                self.fields[name].label = f"{self.fields[name].label} ({main})"
        other_labels = {
            "title": _("Title"),
            "what_happened": _("What happened"),
            "facts_who": _("Who"),
            "facts_what": _("What"),
            "facts_where": _("Where"),
        }
        stored = (instance._translation(self.other_language) or {}) if instance.pk else {}
        for name in TEXT_FIELDS:
            field = self.fields[f"other_{name}"]
            field.label = f"{other_labels[name]} ({other})"
            field.initial = stored.get(name, "")
        if instance.pk:
            self.initial["tags"] = " ".join(f"#{t}" for t in instance.hashtags())
        involved = self.fields.get("involved_teams")
        if isinstance(involved, forms.ModelMultipleChoiceField):
            involved.queryset = Team.objects.filter(org=org)
        kind = self.fields["type"]
        assert isinstance(kind, forms.ModelChoiceField)
        kind.queryset = MomentType.objects.filter(Q(org=None) | Q(org=org))
        # Just the name in the list (not str(type)); a subclass for one label is overkill.
        kind.label_from_instance = lambda t: t.name  # type: ignore[method-assign,assignment]
        teams = self.fields.get("audience_teams")
        if isinstance(teams, forms.ModelMultipleChoiceField):
            teams.queryset = Team.objects.filter(org=org)
        for name in ("shareable_from", "shareable_until"):
            when = self.fields.get(name)
            if isinstance(when, forms.DateTimeField):
                when.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            return without_metadata(image)
        return image

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data.get("tags") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        other = {name: (data.get(f"other_{name}") or "").strip() for name in TEXT_FIELDS}
        if any(other.values()):
            for name in ("title", "what_happened"):
                if not other[name]:
                    self.add_error(
                        f"other_{name}",
                        _("Fill this in too, or leave the other language empty."),
                    )
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
        skip = {"audience_teams", "involved_teams", "i_was_involved"}
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in skip and not k.startswith("other_")
        }
        other = {
            name: (self.cleaned_data.get(f"other_{name}") or "").strip() for name in TEXT_FIELDS
        }
        stored = self.instance.translations if self.instance.pk else {}
        translations = dict(stored) if isinstance(stored, dict) else {}
        translations.pop(self.other_language, None)
        if other["title"] and other["what_happened"]:
            translations[self.other_language] = other
        data["translations"] = translations
        data["language"] = self.language
        return data

    def teams(self) -> list[Team]:
        return list(self.cleaned_data.get("audience_teams") or [])

    def involved_teams(self) -> list[Team]:
        return list(self.cleaned_data.get("involved_teams") or [])


MAX_INVOLVED_PEOPLE = 50


class CommsMomentForm(MomentForm):
    """Comms' form: also the people involved by name (their drafts speak as insiders too)."""

    involved_people_text = forms.CharField(
        label=_("People involved"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Optional: e-mail addresses of colleagues who were involved outside those teams, "
            "separated by commas or new lines."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["involved_people_text"].initial = ", ".join(
                self.instance.involved_people.order_by("email").values_list("email", flat=True)
            )

    def clean_involved_people_text(self) -> list[User]:
        addresses = split_addresses(self.cleaned_data.get("involved_people_text") or "")
        if len(addresses) > MAX_INVOLVED_PEOPLE:
            raise forms.ValidationError(
                _("At most %(n)d people; name their team instead."),
                params={"n": MAX_INVOLVED_PEOPLE},
            )
        members = active_members_by_address(self.org.pk, addresses)
        unknown = [a for a in addresses if a.casefold() not in members]
        if unknown:
            raise forms.ValidationError(
                _("Not a colleague in this organisation: %(addresses)s"),
                params={"addresses": ", ".join(unknown[:5])},
            )
        return [members[a.casefold()].user for a in addresses]

    def involved_people(self) -> list[User]:
        return list(self.cleaned_data.get("involved_people_text") or [])

    def moment_data(self) -> dict[str, Any]:
        data = super().moment_data()
        data.pop("involved_people_text", None)
        return data


class EmployeeMomentForm(MomentForm):
    """A colleague's suggestion: the public texts, and apart from them a note for comms."""

    i_was_involved = forms.BooleanField(
        label=_("I was involved myself"),
        required=False,
        initial=True,
        help_text=_("Your own drafts then speak as someone who was there."),
    )

    class Meta(MomentForm.Meta):
        fields = [*EMPLOYEE_FIELDS, "note_to_comms"]
        formfield_callback = bounded_text(
            {"what_happened": MAX_WHAT_HAPPENED, "note_to_comms": MAX_NOTE_TO_COMMS}
        )
        help_texts = {
            **MomentForm.Meta.help_texts,
            "note_to_comms": _(
                "Only communications read this (for example who to ask, or whether the client "
                "agreed). It is never part of a post."
            ),
        }
        widgets = {**MomentForm.Meta.widgets, "note_to_comms": forms.Textarea(attrs={"rows": 3})}


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
