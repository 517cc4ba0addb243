"""Every API route, called with another organisation's tokens, answers 404/403 for Acme's
objects and shows none of Acme's data. The routes come from the OpenAPI schema, so a new route
can't be forgotten: it must be covered here or the test fails."""

from __future__ import annotations

import json

import pytest

from zichtbaar.api.v1 import api as ninja_api
from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.sharing.models import Share

ACME_SECRETS = ("Acme", "alice@acme.test", "bob@acme.test", "Library", "Lindeboom")


def _routes():
    schema = ninja_api.get_openapi_schema(path_prefix="")
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


@pytest.fixture
def acme_objects(acme, alice, bob, make_moment, make_token):
    published = make_moment(title="The Library website")
    draft = make_moment(title="Library draft", status=MomentStatus.DRAFT)
    submitted = make_moment(title="Library idea", status=MomentStatus.SUBMITTED, submitted_by=bob)
    from zichtbaar.sharing.services import record_share

    record_share(moment=published, user=bob, text="Acme's Library site is live")
    return [published, draft, submitted]


@pytest.fixture
def other_tokens(other_org, mallory, make_token):
    from tests.conftest import _person

    olga = _person(other_org, "olga@other.test", "Olga", role="comms", team="Comms")
    return {
        "employee": make_token(mallory, scopes=("read", "write")).secret,
        "comms": make_token(olga, scopes=("read", "write", "comms")).secret,
        "organisation": make_token(
            olga, scopes=("read", "write", "comms"), organisation=True
        ).secret,
    }


# Routes that name no object: what they answer must be the caller's organisation's only.
SCOPED_BY_TOKEN = {
    ("GET", "/moments"): None,
    ("GET", "/shares"): None,
    ("GET", "/impact"): None,
    ("GET", "/people"): None,
    ("POST", "/moments"): {
        "type": "project_delivery",
        "title": "Our own news",
        "what_happened": "Something happened at Other BV.",
    },
    ("POST", "/check"): {"text": "Hello"},
}


def test_every_route_with_another_organisations_token(client, acme_objects, other_tokens):
    before = {m.pk: m.status for m in Moment.objects.filter(org=acme_objects[0].org)}
    shares_before = Share.objects.count()
    checked = set()
    for method, path, operation in _routes():
        params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        body_schema = operation.get("requestBody", {}).get("content", {})
        body_fields = set()
        for content in body_schema.values():
            ref = content["schema"].get("$ref", "")
            if ref:
                component = ninja_api.get_openapi_schema(path_prefix="")["components"]["schemas"][
                    ref.rsplit("/", 1)[-1]
                ]
                body_fields = set(component.get("properties", {}))
        names_an_object = bool(params) or "moment_id" in body_fields
        if not names_an_object:
            assert (method, path) in SCOPED_BY_TOKEN, f"{method} {path}: add it to this test"
        for kind, token in other_tokens.items():
            for moment in acme_objects:
                url = "/api/v1" + path
                for name in params:
                    assert name == "moment_id", f"{path}: add {name} to this test"
                    url = url.replace("{moment_id}", str(moment.pk))
                body = dict(SCOPED_BY_TOKEN.get((method, path)) or {})
                if "moment_id" in body_fields:
                    body.update(moment_id=moment.pk, text="Stolen")
                headers = {"Authorization": f"Bearer {token}"}
                if method == "GET":
                    r = client.get(url, headers=headers)
                else:
                    r = client.post(
                        url, json.dumps(body), content_type="application/json", headers=headers
                    )
                where = f"{method} {url} with Other BV's {kind} token"
                if names_an_object:
                    assert r.status_code in (403, 404), f"{where}: {r.status_code}"
                    assert r["Content-Type"] == "application/problem+json", where
                else:
                    assert r.status_code in (200, 201, 403), f"{where}: {r.status_code}"
                    text = r.content.decode()
                    assert not any(s in text for s in ACME_SECRETS), f"{where}: {text[:300]}"
                checked.add((method, path))
    assert checked == {(m, p) for m, p, _ in _routes()}
    assert len(checked) >= 10
    # Nothing of Acme's changed: no moment published, no share recorded.
    assert {m.pk: m.status for m in Moment.objects.filter(org=acme_objects[0].org)} == before
    assert Share.objects.count() == shares_before
    assert not Moment.objects.filter(org=acme_objects[0].org, title="Our own news").exists()
