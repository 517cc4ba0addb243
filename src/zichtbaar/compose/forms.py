from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zichtbaar.sharing.services import MAX_POST_LENGTH


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class PostTextField(forms.CharField):
    """Post text with plain \n line breaks.

    Browsers submit a textarea's line breaks as \r\n; normalised before validation, the length
    limit counts a line break once, as the editor's counter and LinkedIn do.
    """

    def to_python(self, value: object) -> str:
        return normalise_newlines(super().to_python(value) or "")


class ComposeForm(forms.Form):
    text = PostTextField(
        label=_("Your post"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=MAX_POST_LENGTH,
        error_messages={
            "max_length": _(
                "LinkedIn allows at most %(limit_value)d characters (this text has %(show_value)d)."
            )
        },
    )
    angle = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    post_url = forms.URLField(
        label=_("Link to your LinkedIn post (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    def clean_post_url(self) -> str:
        url = self.cleaned_data.get("post_url", "")
        if url:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            if parts.scheme != "https" or not (
                host == "linkedin.com" or host.endswith(".linkedin.com")
            ):
                raise forms.ValidationError(
                    _("Please paste the link of your post on linkedin.com.")
                )
        return url


# How far ahead the compose page lets a person schedule a LinkedIn post (the backend allows 90
# days; 60 is LinkedIn's connection lifetime, so a later time would always need a reconnect).
SCHEDULE_AHEAD_DAYS = 60


class LinkedInPostForm(forms.Form):
    """ "Post on LinkedIn now" / "Schedule…": the time (in the person's time zone) and the image."""

    with_image = forms.BooleanField(label=_("With the moment's picture"), required=False)
    post_at = forms.DateTimeField(
        label=_("Post at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: object, schedule: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.schedule = schedule

    def clean_post_at(self) -> datetime | None:
        when = self.cleaned_data.get("post_at")
        if not self.schedule:
            return None
        if when is None:
            raise forms.ValidationError(_("Choose the day and time for your post."))
        now = timezone.now()
        if when <= now:
            raise forms.ValidationError(_("Choose a time in the future."))
        if when > now + timedelta(days=SCHEDULE_AHEAD_DAYS):
            raise forms.ValidationError(
                _("Choose a time within the next %(days)d days.") % {"days": SCHEDULE_AHEAD_DAYS}
            )
        return when
