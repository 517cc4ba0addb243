"""Input that could stall or break the site (security issue 10, item 4): the check's API caps its
text and its body and answers 400 with a message per field for anything it cannot use; text
fields without a database limit have one in their form; and the check, now linear in the text's
length, still gives the same findings as before."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.conf import settings as django_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from zichtbaar.guideline import checker
from zichtbaar.guideline.checker import (
    MAX_CHECK_LENGTH,
    CheckContext,
    ClientEntry,
    ClientIndex,
    Finding,
    TermIndex,
    check,
    merge,
)
from zichtbaar.moments.models import Moment, MomentType

LIMIT_IN_WORDS = re.compile(r"10[,.]000")


def _post_json(client, body: str | bytes, content_type: str = "application/json"):
    return client.post("/api/check/", body, content_type=content_type)


# --- /api/check/ ---------------------------------------------------------------------------------


def test_a_text_at_the_cap_is_checked_and_one_character_more_is_a_field_error(login, carol):
    client = login(carol)
    at_cap = _post_json(client, json.dumps({"text": "a" * MAX_CHECK_LENGTH}))
    assert at_cap.status_code == 200 and at_cap.json()["verdict"] in ("go", "tips", "change")

    over = _post_json(client, json.dumps({"text": "a" * (MAX_CHECK_LENGTH + 1)}))
    assert over.status_code == 400
    errors = over.json()["errors"]
    assert list(errors) == ["text"]
    assert LIMIT_IN_WORDS.search(errors["text"][0]) and "10,001" in errors["text"][0]


def test_a_megabyte_of_text_is_refused_with_a_field_error_instead_of_being_checked(login, bob):
    response = _post_json(
        login(bob), json.dumps({"text": "GROOT NIEUWS https://x.nl #a " * 36_000})
    )
    assert response.status_code == 400
    message = response.json()["errors"]["text"][0]
    assert LIMIT_IN_WORDS.search(message)  # Bob reads Dutch: "10.000"


def test_a_body_over_the_configured_cap_answers_400_json_not_a_server_error(login, carol):
    body = json.dumps({"text": "x" * 3_000_000})
    assert len(body) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # 2.5 MB unless configured
    response = _post_json(login(carol), body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    message = response.json()["errors"]["body"][0]
    assert "too large" in message and LIMIT_IN_WORDS.search(message)


def test_malformed_and_deeply_nested_json_answers_400_with_a_message_never_500(login, carol):
    client = login(carol)
    client.raise_request_exception = False  # a server error must show as a 500, not as a raise
    bodies = [
        "[" * 100_000,  # json.loads raises RecursionError on this
        '{"a": ' * 100_000,
        '{"text": ' + "[" * 100_000,
        "{",
        b"\xff\xfe{",
        "[]",
        '"text"',
        "5",
        "null",
    ]
    for body in bodies:
        response = _post_json(client, body)
        assert response.status_code == 400, (repr(body[:20]), response.status_code)
        assert response.json()["errors"] == {"body": ["Send a JSON object."]}


def test_a_nonsense_moment_id_is_a_field_error_not_a_server_error(login, carol, make_moment):
    make_moment()
    client = login(carol)
    client.raise_request_exception = False
    for moment in (10**30, -1, True, "1", 1.5, [1]):
        response = _post_json(client, json.dumps({"text": "Trots!", "moment": moment}))
        assert response.status_code == 400, (moment, response.status_code)
        assert list(response.json()["errors"]) == ["moment"]


# --- text fields without a database limit ------------------------------------------------------

MEGABYTE = "a" * 1_000_000


def _version_form():
    from zichtbaar.guideline.forms import VersionForm

    return VersionForm


def _section_form():
    from zichtbaar.guideline.forms import SectionFormSet

    return SectionFormSet.form


def _settings_form():
    from zichtbaar.guideline.forms import SettingsForm

    return SettingsForm


def _list_upload_form():
    from zichtbaar.guideline.forms import ListUploadForm

    return ListUploadForm


def _moment_type_form():
    from zichtbaar.moments.forms import MomentTypeForm

    return MomentTypeForm


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (_version_form, "intro_nl"),
        (_version_form, "intro_en"),
        (_version_form, "summary_nl"),
        (_version_form, "summary_en"),
        (_section_form, "encouraged_nl"),
        (_section_form, "encouraged_en"),
        (_section_form, "avoid_nl"),
        (_section_form, "avoid_en"),
        (_settings_form, "internal_hosts"),
        (_settings_form, "allowed_hosts"),
        (_settings_form, "disclosure_phrases"),
        (_moment_type_form, "description_nl"),
        (_moment_type_form, "description_en"),
    ],
)
def test_a_megabyte_in_a_text_field_is_a_field_error(db, form_class, field):
    form = form_class()(data={field: MEGABYTE + MEGABYTE})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()[field]] == ["max_length"]
    assert form[field].field.widget.attrs["maxlength"]  # the browser stops typing there too


def test_pasting_two_megabytes_of_terms_is_a_field_error(db):
    form = _list_upload_form()(data={"text": (MEGABYTE + "\n") * 2})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["text"]] == ["max_length"]


def test_a_moment_with_a_megabyte_of_what_happened_is_not_stored(login, alice):
    kind = MomentType.objects.get(org=None, key="event")
    response = login(alice).post(
        "/comms/moments/new/",
        {
            "type": kind.pk,
            "title": "Big",
            "what_happened": MEGABYTE,
            "happened_on": "2026-12-01",
            "audience_everyone": "on",
        },
    )
    assert response.status_code == 400
    assert "what_happened" in response.context["form"].errors
    assert not Moment.objects.filter(title="Big").exists()


# --- the check is unchanged on normal texts ------------------------------------------------------

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
PARAGRAPH = (
    "Wat een week! Na acht maanden bouwen staat het nieuwe planningssysteem live bij "
    "Bakkerij Utrecht 17, en de planners zijn er echt blij mee. 🎉 Samen met Anna, Bram en "
    "Chris hebben we elke sprint iets opgeleverd. Het project Zilverstorm liep niet altijd "
    "vanzelf. Inmiddels plannen 140 mensen in 2025 hun ritten met de app, het budget van "
    "€ 1.250.000 bleef netjes binnen de afspraken (order 2024-118734). Meer lezen? Kijk op "
    "https://www.acme.nl/nieuws/planning of bel 030 123 4567. "
)
NORMAL_TEXTS = {
    "dutch post": PARAGRAPH * 2 + "\n\n#planning #software #trots #teamwork #utrecht #NieuweAanpak",
    "english post": (
        "HUGE NEWS FROM OUR TEAM TODAY! Read https://intranet.acme.nl/(draft) and "
        "https://example.com/x). Mail jan.jansen@acme.nl or call +31 6 12345678. "
        "IBAN NL91 ABNA 0417 1643 00, BSN 111222333, card 4111 1111 1111 1111. "
        "#one #two #three #four #five #six #seven"
    ),
    "caps and links": (
        "KIJK NU OP https://ACME.NL/NIEUWS/GROOT DIT IS HEEL GROOT NIEUWS #TROTS "
        "WWW.ACME.NL/VACATURES ZIJN ER OOK, AI, ML, NLP, LLM EN MEER. I AM SO VERY HAPPY!"
    ),
    "overlaps": (
        "Link https://x.nl/?u=jan@acme.nl en mail piet@intranet.acme.nl; bel 06-12345678 "
        "of 4111-1111-1111-1111, IBAN NL91ABNA0417164300 (dank!) http://10.0.0.1/admin))"
    ),
    "too long": ("Trots op ons team. " * 170) + "EN DIT IS HEEL ERG LUID NIEUWS #a #b",
}
#: ``(verdict, [(code, severity, start, end), ...])`` of each text above, recorded with the check
#: as it was before it was made linear (quadratic scans over spans).
RECORDED: dict[str, tuple[str, list[tuple[str, str, int, int]]]] = {
    "caps and links": (
        "tips",
        [
            ("disclosure.missing", "tip", 0, 0),
            ("form.shouting", "tip", 40, 64),
            ("form.shouting", "tip", 120, 151),
        ],
    ),
    "dutch post": (
        "change",
        [
            ("disclosure.missing", "tip", 0, 0),
            ("client.no_consent", "change", 80, 99),
            ("confidential.term", "change", 222, 233),
            ("personal_data.phone", "change", 464, 476),
            ("client.no_consent", "change", 558, 577),
            ("confidential.term", "change", 700, 711),
            ("personal_data.phone", "change", 942, 954),
            ("form.hashtags", "tip", 1004, 1017),
        ],
    ),
    "english post": (
        "change",
        [
            ("form.shouting", "tip", 0, 29),
            ("link.internal", "change", 36, 68),
            ("link.internal", "change", 73, 94),
            ("personal_data.email", "change", 102, 120),
            ("personal_data.phone", "change", 129, 143),
            ("personal_data.iban", "change", 150, 172),
            ("personal_data.national_id", "change", 178, 187),
            ("personal_data.card", "change", 194, 213),
            ("form.hashtags", "tip", 244, 255),
        ],
    ),
    "overlaps": (
        "change",
        [
            ("disclosure.missing", "tip", 0, 0),
            ("personal_data.email", "change", 21, 32),
            ("personal_data.email", "change", 41, 62),
            ("personal_data.phone", "change", 68, 79),
            ("personal_data.card", "change", 83, 102),
            ("personal_data.iban", "change", 109, 127),
            ("link.internal", "change", 136, 157),
        ],
    ),
    "too long": (
        "change",
        [("form.too_long", "change", 3000, 3266), ("form.shouting", "tip", 3230, 3260)],
    ),
}


def _context() -> CheckContext:
    return CheckContext(
        language="en",
        terms=TermIndex.build(["Zilverstorm", "Project Noordlicht"]),
        clients=ClientIndex.build([ClientEntry("Bakkerij Utrecht 17", ("BU17",))]),
        today=NOW.date(),
        now=NOW,
        internal_hosts=("intranet.acme.nl",),
        allowed_hosts=("acme.nl", "linkedin.com"),
        template_texts=(PARAGRAPH[:200],),
        colleague_texts=(PARAGRAPH,),
        disclosure_required=True,
        org_name="Acme",
    )


def _fingerprint(text: str) -> tuple[str, list[tuple[str, str, int, int]]]:
    verdict = check(text, _context())
    return verdict.verdict, [(f.code, f.severity, f.start, f.end) for f in verdict.findings]


@pytest.mark.parametrize("name", list(NORMAL_TEXTS))
def test_the_check_gives_the_findings_it_gave_before_it_was_made_linear(name):
    assert _fingerprint(NORMAL_TEXTS[name]) == RECORDED[name]


# The old definitions, quadratic but obviously right: oracles for the faster code.


def _old_shouting(text: str, masked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    run_start = run_end = -1
    words = letters = 0
    for match in checker._CAPS_CANDIDATE.finditer(text):
        word = match.group()
        start, end = match.span()
        if not word.isupper() or (start > 0 and text[start - 1] in "#@"):
            continue
        if any(a <= start < b for a, b in masked):
            continue
        if run_start >= 0 and checker._run_continues(text, run_end, start):
            run_end = end
            words += 1
            letters += len(word)
            continue
        if words >= 4 or letters >= 20:
            out.append((run_start, run_end))
        run_start, run_end, words, letters = start, end, 1, len(word)
    if words >= 4 or letters >= 20:
        out.append((run_start, run_end))
    return out


def _old_first_per_span(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    taken: list[tuple[int, int]] = []
    chosen = []
    for priority, start, end in sorted(found):
        if any(start < b and a < end for a, b in taken):
            continue
        taken.append((start, end))
        chosen.append((priority, start, end))
    return chosen


def _old_merge(findings: list[Finding]) -> tuple[Finding, ...]:
    def order(f: Finding) -> tuple[int, str, int, str]:
        return (f.start, f.code, f.end, f.message)

    by_code: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=order):
        bucket = by_code.setdefault(finding.code, [])
        if bucket:
            last = bucket[-1]
            whole = finding.start == finding.end == 0 and last.start == last.end == 0
            if whole or (finding.start < last.end and last.start < finding.end):
                if finding.end > last.end:
                    bucket[-1] = Finding(
                        last.code, last.severity, last.start, finding.end, "m", "s", ""
                    )
                continue
        bucket.append(finding)
    merged = [f for bucket in by_code.values() for f in bucket]
    rank = {"tip": 0, "change": 1}
    kept = [
        f
        for f in merged
        if f.start == f.end
        or not any(
            o.code != "form.too_long"
            and rank[o.severity] > rank[f.severity]
            and o.start <= f.start
            and f.end <= o.end
            and o.start < o.end
            for o in merged
        )
    ]
    return tuple(sorted(kept, key=order))


TOKENS = st.sampled_from(
    [
        "GROOT",
        "NIEUWS",
        "DIT",
        "IS",
        "I",
        "A",
        "KPMG",
        "ONGELOOFLIJKGEWELDIGRESULTAAT",
        "trots",
        "team",
        "https://acme.nl/X",
        "http://x.nl/(a))",
        "www.ACME.nl/JOBS",
        "acme.nl",
        "#TAG",
        "#tag",
        "@ACME",
        "jan@acme.nl",
        ",",
        ";",
        "/",
        ")",
        "(",
        ".",
        "\n\n",
    ]
)
TEXTS = st.lists(st.tuples(TOKENS, st.sampled_from([" ", "", "  ", "\n"])), max_size=60).map(
    lambda parts: "".join(token + gap for token, gap in parts)
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_shouting_skips_exactly_the_spans_the_old_scan_skipped(text):
    masked = [(a, b) for a, b, _, _ in checker._links(text)]
    assert checker._shouting(text, masked) == _old_shouting(text, masked)


@hypothesis_settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_links_are_trimmed_as_before(text):
    def old_links(text: str) -> list[tuple[int, int]]:
        out = []
        for match in checker._LINK.finditer(text):
            start, end = match.span()
            while end > start and text[end - 1] in checker._TRAILING:
                if text[end - 1] == ")" and text.count("(", start, end) >= text.count(
                    ")", start, end
                ):
                    break
                end -= 1
            if checker._host_of(text[start:end], match.lastgroup or "bare"):
                out.append((start, end))
        return out

    assert [(a, b) for a, b, _, _ in checker._links(text)] == old_links(text)


SPANS = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 60), st.integers(1, 12)).map(
        lambda t: (t[0], t[1], t[1] + t[2])
    ),
    max_size=40,
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(SPANS)
def test_personal_data_keeps_the_same_most_specific_finding_per_span(found):
    assert checker._first_per_span(found) == _old_first_per_span(found)


FINDINGS = st.lists(
    st.tuples(
        st.sampled_from(["form.shouting", "personal_data.email", "form.too_long", "embargo"]),
        st.sampled_from(["tip", "change"]),
        st.integers(0, 60),
        st.integers(0, 12),
    ).map(lambda t: Finding(t[0], t[1], t[2], t[2] + t[3], "m", "s", "")),
    max_size=30,
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(FINDINGS)
def test_merge_keeps_the_same_findings_as_before(findings):
    assert merge(findings) == _old_merge(findings)
