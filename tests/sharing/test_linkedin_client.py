"""The LinkedIn client against the fake LinkedIn: the documented calls, their headers and
bodies, little-text escaping, and errors that say permanent or retry."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.fakes.linkedin_server import read_little
from zichtbaar.sharing import linkedin
from zichtbaar.sharing.linkedin import client, little

RESERVED = "\\|{}@[]()<>#*_~"


# --- little text ---------------------------------------------------------------------------


def test_every_reserved_character_is_escaped():
    assert little.commentary("a|b{c}d@e[f]g(h)i<j>k*l_m~n\\o") == (
        "a\\|b\\{c\\}d\\@e\\[f\\]g\\(h\\)i\\<j\\>k\\*l\\_m\\~n\\\\o"
    )


def test_hashtags_stay_hashtags_with_the_documented_template():
    assert little.commentary("Trots op #Eindhoven en #café!") == (
        "Trots op {hashtag|\\#|Eindhoven} en {hashtag|\\#|café}!"
    )
    # What LinkedIn shows is what was written, the tags as hashtags.
    assert read_little(little.commentary("Trots op #Eindhoven en #café!")) == (
        "Trots op #Eindhoven en #café!",
        True,
    )


@pytest.mark.parametrize(
    "text",
    ["C# en F#", "Wij zijn #1", "##dubbel", "https://acme.test/page#top", "x_#tag"],
)
def test_a_hash_that_is_no_hashtag_stays_plain_text(text):
    sent = little.commentary(text)
    assert "{hashtag" not in sent
    assert read_little(sent) == (text, True)


def test_a_mention_is_never_made():
    sent = little.commentary("Dank @[Acme](urn:li:organization:1) en @bob")
    assert read_little(sent) == ("Dank @[Acme](urn:li:organization:1) en @bob", True)


def test_unescaped_text_would_be_cut_by_linkedin():
    # Why escaping matters: LinkedIn stops at the first unescaped reserved character.
    assert read_little("Mooi project (met dank) aan het team") == ("Mooi project ", False)


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(RESERVED + "ab #é😀\n ")) | st.characters()))
def test_any_text_arrives_as_written(text):
    sent = little.commentary(text)
    assert read_little(sent) == (text, True)
    assert little.render(sent) == (text, True)


# --- OAuth ---------------------------------------------------------------------------------


def test_authorization_url_asks_for_the_self_serve_scopes(fake):
    url = client.authorization_url("the-state")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{fake.oauth_url}/authorization"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "response_type": "code",
        "client_id": fake.client_id,
        "redirect_uri": "http://testserver/linkedin/callback/",
        "state": "the-state",
        "scope": "openid profile email w_member_social",
    }


def _consent(url: str) -> dict[str, str]:
    """What the browser does at LinkedIn: the consent page redirects back."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url, timeout=5)
    except urllib.error.HTTPError as exc:
        location = exc.headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_code_exchange_and_userinfo(fake):
    back = _consent(client.authorization_url("s1"))
    assert back["state"] == "s1"
    token = client.exchange_code(back["code"])
    assert token.expires_in == 60 * 24 * 3600
    assert set(token.scopes) == {"openid", "profile", "email", "w_member_social"}
    member = client.userinfo(token.access_token)
    assert (member.sub, member.name, member.email) == ("member-1", "Bob de Vries", "bob@acme.test")
    # The secret went in the form body, read from its file.
    form = parse_qs(fake.requests_to("/oauth/v2/accessToken")[0]["body"].decode())
    assert form["client_secret"] == [fake.client_secret]
    assert form["grant_type"] == ["authorization_code"]


def test_a_used_code_is_permanent(fake):
    back = _consent(client.authorization_url("s1"))
    client.exchange_code(back["code"])
    with pytest.raises(linkedin.Permanent):
        client.exchange_code(back["code"])


def test_userinfo_with_an_expired_token_is_unauthorized(fake):
    token = fake.issue_token()
    fake.expire(token)
    with pytest.raises(linkedin.Unauthorized):
        client.userinfo(token)


# --- posts ---------------------------------------------------------------------------------


def test_post_sends_the_documented_headers_and_body(fake):
    token = fake.issue_token("member-1")
    urn = client.create_post(token, sub="member-1", text="Hallo (wereld) #Trots")
    assert urn == fake.posts[0]["urn"]
    assert urn.startswith("urn:li:share:")
    request = fake.requests_to("/rest/posts")[0]
    assert request["headers"]["LinkedIn-Version"] == "202603"
    assert request["headers"]["X-Restli-Protocol-Version"] == "2.0.0"
    assert request["headers"]["Authorization"] == f"Bearer {token}"
    assert json.loads(request["body"]) == {
        "author": "urn:li:person:member-1",
        "commentary": "Hallo \\(wereld\\) {hashtag|\\#|Trots}",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    assert fake.published_texts() == ["Hallo (wereld) #Trots"]


def test_duplicate_post_names_the_first_one(fake):
    token = fake.issue_token()
    first = client.create_post(token, sub="member-1", text="Twee keer")
    with pytest.raises(linkedin.Duplicate) as caught:
        client.create_post(token, sub="member-1", text="Twee keer")
    assert caught.value.urn == first
    assert isinstance(caught.value, linkedin.Permanent)


def test_a_retired_version_is_permanent(fake, settings):
    settings.ZICHTBAAR_LINKEDIN_VERSION = "202401"
    with pytest.raises(linkedin.VersionRetired) as caught:
        client.create_post(fake.issue_token(), sub="member-1", text="x")
    assert caught.value.status == 426
    assert "202401" in caught.value.reason
    assert fake.posts == []


def test_429_is_retry_with_retry_after(fake):
    fake.retry_after = "7"
    fake.fault("posts", "429")
    with pytest.raises(linkedin.Throttled) as caught:
        client.create_post(fake.issue_token(), sub="member-1", text="x")
    assert caught.value.retry_after == 7
    assert isinstance(caught.value, linkedin.Retry)


@pytest.mark.parametrize("behaviour", ["500", "503", "timeout", "drop", "accept_then_timeout"])
def test_server_errors_and_timeouts_are_retry(fake, behaviour):
    fake.fault("posts", behaviour)
    with pytest.raises(linkedin.Retry):
        client.create_post(fake.issue_token(), sub="member-1", text="x")


def test_expired_token_is_unauthorized(fake):
    token = fake.issue_token()
    fake.expire(token)
    with pytest.raises(linkedin.Unauthorized):
        client.create_post(token, sub="member-1", text="x")


def test_posting_as_someone_else_is_refused(fake):
    with pytest.raises(linkedin.Permanent) as caught:
        client.create_post(fake.issue_token("member-1"), sub="member-2", text="x")
    assert caught.value.status == 403


# --- images --------------------------------------------------------------------------------


def test_image_upload_then_post_with_media(fake):
    token = fake.issue_token()
    upload = client.initialize_image_upload(token, sub="member-1")
    client.upload_image(token, upload, b"\x89PNG fake bytes", "image/png")
    assert fake.images[upload.image_urn]["data"] == b"\x89PNG fake bytes"
    client.create_post(token, sub="member-1", text="Met foto", image_urn=upload.image_urn)
    assert fake.posts[0]["body"]["content"] == {"media": {"id": upload.image_urn}}
    init = json.loads(fake.requests_to("/rest/images")[0]["body"])
    assert init == {"initializeUploadRequest": {"owner": "urn:li:person:member-1"}}


def test_the_token_never_goes_to_an_upload_address_elsewhere(fake):
    upload = client.Upload("https://evil.example/upload", "urn:li:image:1")
    with pytest.raises(linkedin.Permanent):
        client.upload_image(fake.issue_token(), upload, b"x", "image/png")


# --- analytics -----------------------------------------------------------------------------


def test_post_analytics_with_the_permission(fake):
    token = fake.issue_token(scopes=("w_member_social", "r_member_postAnalytics"))
    urn = client.create_post(token, sub="member-1", text="Meetbaar")
    fake.analytics[urn] = {"IMPRESSION": 120, "MEMBERS_REACHED": 80, "REACTION": 9, "COMMENT": 2}
    assert client.post_analytics(token, urn) == {
        "IMPRESSION": 120,
        "MEMBERS_REACHED": 80,
        "REACTION": 9,
        "COMMENT": 2,
        "RESHARE": 0,
    }


def test_post_analytics_without_the_permission_is_permanent(fake):
    token = fake.issue_token()
    urn = client.create_post(token, sub="member-1", text="Niet meetbaar")
    with pytest.raises(linkedin.Permanent) as caught:
        client.post_analytics(token, urn)
    assert caught.value.status == 403
