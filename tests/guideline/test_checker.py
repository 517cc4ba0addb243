"""The "May I share this?" check: plain pytest, no database, no Django settings needed.

Every rule has true positives and near misses in Dutch and English; offsets are checked by slicing
the text (``text[start:end]``), so a wrong offset fails loudly.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import zichtbaar.guideline.checker  # noqa: F401
except ImportError:  # the project is not installed in the venv: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from zichtbaar.guideline import checker
from zichtbaar.guideline.checker import (
    CODES,
    DEFAULT_SEVERITY,
    CheckContext,
    ClientEntry,
    ClientIndex,
    Finding,
    RuleConfig,
    TermIndex,
    Verdict,
    check,
    merge,
)

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def run(text: str, **kwargs) -> Verdict:
    kwargs.setdefault("today", TODAY)
    return checker._check(text, CheckContext(**kwargs), strict=True)


def spans(text: str, code: str, **kwargs) -> list[str]:
    """The flagged pieces of ``text`` for one code."""
    return [text[f.start : f.end] for f in run(text, **kwargs).findings if f.code == code]


def codes(text: str, **kwargs) -> list[str]:
    return [f.code for f in run(text, **kwargs).findings]


# --- interface -------------------------------------------------------------------------------


def test_as_dict_has_the_documented_keys():
    text = "Mail me op jan@acme.nl"
    verdict = run(text)
    data = verdict.as_dict()
    assert data["verdict"] == "change"
    assert list(data["findings"][0]) == [
        "code",
        "severity",
        "start",
        "end",
        "message",
        "suggestion",
        "section",
    ]
    assert data["findings"][0]["code"] == "personal_data.email"


def test_rule_config_defaults_per_code():
    assert RuleConfig("form.hashtags").severity == "tip"
    assert RuleConfig("personal_data.phone").severity == "change"
    assert RuleConfig("form.hashtags", severity="change").severity == "change"
    assert RuleConfig("form.hashtags", severity="nonsense").severity == "tip"
    assert set(DEFAULT_SEVERITY) == set(CODES) and len(CODES) == 16


def test_checker_does_not_import_django():
    code = "import sys, zichtbaar.guideline.checker; assert 'django' not in sys.modules"
    src = str(Path(__file__).resolve().parents[2] / "src")
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": src})


def test_public_check_tolerates_odd_input():
    assert check(None, CheckContext()).verdict == "go"  # type: ignore[arg-type]
    odd = CheckContext(max_hashtags=None, max_length="x", quiet_periods=(("a", "b"),))  # type: ignore[arg-type]
    assert check("Trots! #a #b #c #d #e #f " * 20, odd).verdict == "tips"
    assert check("bel 06-12345678", None).verdict == "change"  # type: ignore[arg-type]


# --- verdict ---------------------------------------------------------------------------------


def test_verdict_go_tips_change():
    assert run("Trots op ons team en het nieuwe portaal!").verdict == "go"
    assert run("Trots op ons team! #a #b #c #d #e #f").verdict == "tips"
    assert run("Trots op ons team! #a #b #c #d #e #f, bel 06-12345678").verdict == "change"
    assert run("").as_dict() == {"verdict": "go", "findings": []}


def test_severity_override_changes_the_verdict_and_section_is_carried():
    rules = {
        "form.hashtags": RuleConfig("form.hashtags", severity="change", section="vorm"),
        "personal_data.phone": RuleConfig("personal_data.phone", enabled=False),
    }
    verdict = run("Trots! #a #b #c #d #e #f bel 06-12345678", rules=rules)
    assert verdict.verdict == "change"
    assert [(f.code, f.severity, f.section) for f in verdict.findings] == [
        ("form.hashtags", "change", "vorm")
    ]


def test_disabled_rules_give_no_findings():
    rules = {code: RuleConfig(code, enabled=False) for code in CODES}
    text = "BSN 111222333, NL91ABNA0417164300, jan@acme.nl, HEEL ERG MOOI NIEUWS VANDAAG " * 2
    assert run(text, rules=rules, max_length=10, disclosure_required=True).verdict == "go"


# --- personal data ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vragen? Mail naar jan.de-vries@acme.nl.", ["jan.de-vries@acme.nl"]),
        ("Questions? Email anna+jobs@careers.acme.co.uk today", ["anna+jobs@careers.acme.co.uk"]),
        ("Mail José: josé@bücher.de", ["josé@bücher.de"]),
        ("Volg @acme op LinkedIn", []),
        ("Meet us @ the venue at 10", []),
        ("Contact: info at acme dot nl", []),
    ],
)
def test_email(text, expected):
    assert spans(text, "personal_data.email") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bel gerust: 06-12345678.", ["06-12345678"]),
        ("Bel 06-12345678 voor € 1.250.000", ["06-12345678"]),  # the amount is not flagged
        ("Het budget van € 1.250.000 0612345678 is rond", ["0612345678"]),
        ("Call me on +44 20 7946 0958 any time", ["+44 20 7946 0958"]),
        ("Ons kantoor: +31 20 123 4567", ["+31 20 123 4567"]),
        ("tel. (030) 123 45 67", ["(030) 123 45 67"]),
        # near misses: years, dates, postcodes, amounts, order numbers
        ("In 2024 en 2025 groeiden we hard.", []),
        ("Op 12-03-2024 gingen we live.", []),
        ("Ons adres: Catharijnesingel 1, 3511 AB Utrecht", []),
        ("Een investering van € 1.250.000 en $ 2,500,000", []),
        ("Order 2024-118734 is verzonden", []),
        ("We reached 1250000 people", []),
    ],
)
def test_phone(text, expected):
    assert spans(text, "personal_data.phone") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Doneer op NL91ABNA0417164300 voor het goede doel", ["NL91ABNA0417164300"]),
        ("Donate to NL91 ABNA 0417 1643 00.", ["NL91 ABNA 0417 1643 00"]),
        ("Belgisch: BE71 0961 2345 6769 graag", ["BE71 0961 2345 6769"]),
        ("German: DE89 3704 0044 0532 0130 00", ["DE89 3704 0044 0532 0130 00"]),
        ("Doneer op NL92ABNA0417164300", []),  # wrong check digits
        ("Doneer op NL91 ABNA 0417 1643 01", []),
        ("Code NL91ABNA is geen rekening", []),
    ],
)
def test_iban(text, expected):
    assert spans(text, "personal_data.iban") == expected


def test_iban_is_one_finding_not_also_a_phone():
    assert codes("Rekening NL91 ABNA 0417 1643 00 graag") == ["personal_data.iban"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mijn BSN is 111222333.", ["111222333"]),
        ("BSN: 1112.22.333", ["1112.22.333"]),
        ("My citizen number is 111 222 333", ["111 222 333"]),
        ("Rijksregisternummer 85.07.30-033.28", ["85.07.30-033.28"]),
        ("Steuer-ID 36 574 261 809", ["36 574 261 809"]),
        ("Mijn BSN is 123456789.", []),  # fails the eleven-test
        ("My number is 123 456 789", []),
        ("Een omzet van € 111.222.333", []),  # an amount, even if it passes the test
        ("Order 1112223334 is verzonden", []),  # ten digits
        ("De score was 111222333,5 punten", []),
        ("85.07.30-033.29 is geen geldig nummer", []),
    ],
)
def test_national_id(text, expected):
    assert spans(text, "personal_data.national_id") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kaart 4111 1111 1111 1111 verloren", ["4111 1111 1111 1111"]),
        ("Card 5555-5555-5555-4444.", ["5555-5555-5555-4444"]),
        ("Amex 378282246310005", ["378282246310005"]),
        ("Kaart 4111 1111 1111 1112", []),  # Luhn fails
        ("Serienummer 0000 0000 0000 0000", []),  # Luhn passes, no card prefix
        ("Bestelling 7992739871300 onderweg", []),  # Luhn passes, unknown prefix
    ],
)
def test_card(text, expected):
    assert spans(text, "personal_data.card") == expected


# --- confidential terms ----------------------------------------------------------------------

TERMS = TermIndex.build(["Aurora", "Café Noir", "Project Zilverstorm", "X1", "C++"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We lanceren binnenkort Aurora!", ["Aurora"]),
        ("Launching AURORA soon", ["AURORA"]),
        ("Fase 2 van het Aurora-project", ["Aurora"]),
        ("Proost op cafe noir", ["cafe noir"]),
        ("Proost op CAFÉ NOIR", ["CAFÉ NOIR"]),
        ("Proost op cafe\u0301 noir.", ["cafe\u0301 noir"]),  # combining accent kept in span
        ("Het project zilverstorm loopt", ["project zilverstorm"]),
        ("Model X1 is klaar", ["X1"]),
        # near misses: inside a longer word, or not the whole term
        ("Het noorderlicht: auroras en aurorae", []),
        ("Geen X12 of AX1", []),
        ("Café Noirette is een ander café", []),
        ("Zilverstorm alleen is geen term", []),
    ],
)
def test_confidential_term(text, expected):
    assert spans(text, "confidential.term", terms=TERMS) == expected


def test_term_offsets_map_back_through_emoji_and_expansions():
    text = "🎉🎉 Straße ﬁx: het ﬁnale Café Noir-moment 👍🏽 en Aurora"
    found = TERMS.find(text)
    assert [text[s:e] for s, e, _ in found] == ["Café Noir", "Aurora"]
    assert [term for _, _, term in found] == ["Café Noir", "Aurora"]


def test_term_with_diacritics_in_text_matches_plain_term():
    index = TermIndex.build(["Cafe Noir", "Ærø"])
    assert [t for _, _, t in index.find("Naar café noir en aero")] == ["Cafe Noir", "Ærø"]


def test_ten_thousand_terms():
    terms = [f"Codenaam{i:05d}" for i in range(10_000)] + ["Blauwvinger"]
    index = TermIndex.build(terms)
    assert len(index) == 10_001
    text = "Over blauwvinger en codenaam09999, niet codenaam099999 of codenaam1."
    assert [text[s:e] for s, e, _ in index.find(text)] == ["blauwvinger", "codenaam09999"]


def test_terms_that_normalise_to_nothing_are_skipped():
    index = TermIndex.build(["", "   ", "\u0301", "ok"])
    assert len(index) == 1


# --- clients ---------------------------------------------------------------------------------

CLIENTS = ClientIndex.build(
    [
        ClientEntry("Gemeente Utrecht", aliases=("Utrecht gemeente",), may_be_named=False),
        ClientEntry("Rabobank", aliases=("Rabo",), may_be_named=True),
        ClientEntry("Bakkerij Bol", may_be_named=True, until=dt.date(2025, 6, 1)),
        ClientEntry("Stationsweg Zorg", may_be_named=True, until=TODAY),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mooi project voor Gemeente Utrecht", ["Gemeente Utrecht"]),
        ("A great project for GEMEENTE UTRECHT", ["GEMEENTE UTRECHT"]),
        ("Samen met de Rabo en Rabobank", []),  # consent
        ("Nieuwe ovens bij Bakkerij Bol", ["Bakkerij Bol"]),  # consent expired yesterday
        ("Zorg bij Stationsweg Zorg", []),  # consent until today, inclusive
        ("Wonen in Utrecht is fijn", []),  # only the full name is registered
        ("De Rabobankgroep", []),  # inside a longer word
    ],
)
def test_client_consent(text, expected):
    assert spans(text, "client.no_consent", clients=CLIENTS) == expected


def test_expired_consent_says_until_when():
    verdict = run("Bakkerij Bol", clients=CLIENTS, language="en")
    assert "1 June 2025" in verdict.findings[0].message


def test_moment_client_may_be_named_overrides_the_register():
    text = "Trots op het werk voor Gemeente Utrecht"
    assert (
        spans(
            text,
            "client.no_consent",
            clients=CLIENTS,
            moment_client_may_be_named=True,
            moment_client_name="gemeente utrecht",
        )
        == []
    )
    assert spans(
        text,
        "client.no_consent",
        clients=CLIENTS,
        moment_client_may_be_named=True,
        moment_client_name="Rabobank",
    ) == ["Gemeente Utrecht"]


def test_moment_says_no_even_when_the_register_says_yes_or_does_not_know():
    assert spans(
        "Dank Rabobank!",
        "client.no_consent",
        clients=CLIENTS,
        moment_client_may_be_named=False,
        moment_client_name="Rabobank",
    ) == ["Rabobank"]
    assert spans(
        "Thanks to Acme Logistics!",
        "client.no_consent",
        moment_client_may_be_named=False,
        moment_client_name="Acme Logistics",
    ) == ["Acme Logistics"]


# --- embargo and quiet periods ---------------------------------------------------------------


def test_embargo():
    later = NOW + dt.timedelta(hours=3)
    verdict = run("Groot nieuws!", now=NOW, shareable_from=later)
    assert [(f.code, f.start, f.end) for f in verdict.findings] == [("embargo", 0, 0)]
    assert "2 juni 2025 om 12:00" in verdict.findings[0].message
    assert run("Groot nieuws!", now=later, shareable_from=later).verdict == "go"
    assert run("Groot nieuws!", shareable_from=later).verdict == "go"  # no clock: no finding


def test_embargo_expired_and_naive_datetimes_do_not_raise():
    naive = dt.datetime(2025, 6, 1, 9, 0)
    assert codes("Nieuws", now=NOW, shareable_until=naive) == ["embargo"]
    assert codes("Nieuws", now=naive.replace(hour=8), shareable_from=NOW) == ["embargo"]


def test_quiet_period():
    period = (NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=6), "jaarcijfers")
    verdict = run("Mooie dag", now=NOW, quiet_periods=(period,), language="nl")
    assert [f.code for f in verdict.findings] == ["quiet_period"]
    assert (
        "jaarcijfers" in verdict.findings[0].message
        and "8 juni 2025" in verdict.findings[0].message
    )
    assert run("Mooie dag", now=NOW + dt.timedelta(days=7), quiet_periods=(period,)).verdict == "go"
    no_reason = (period[0], period[1], "")
    assert "()" not in run("Day", now=NOW, quiet_periods=(no_reason,)).findings[0].message


# --- links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zie intranet.acme.nl/nieuws?id=3 voor meer", ["intranet.acme.nl/nieuws?id=3"]),
        ("See https://acme.sharepoint.com/sites/x.", ["https://acme.sharepoint.com/sites/x"]),
        ("Dashboard: http://10.0.0.5:8080/grafana", ["http://10.0.0.5:8080/grafana"]),
        ("Op de wiki (http://wiki/Project) staat het", ["http://wiki/Project"]),
        ("Build at build.acme.internal", ["build.acme.internal"]),
        ("Zie https://docs.acme.nl/handboek", ["https://docs.acme.nl/handboek"]),  # denylist
        ("Lees https://www.acme.nl/nieuws en www.linkedin.com/company/acme", []),
        ("Werkt met Node.js en ASP.NET, zie rapport.pdf", []),
        ("Mail jan@intranet.acme.nl", []),  # an e-mail, not a link
    ],
)
def test_internal_links(text, expected):
    found = spans(text, "link.internal", internal_hosts=("docs.acme.nl",))
    assert found == expected


def test_allowlist_and_own_tracked_links():
    text = "Lees https://example.com/x, https://www.acme.nl/y en https://go.zichtbaar.nl/l/abc12"
    verdict = run(text, allowed_hosts=("acme.nl",), own_hosts=("go.zichtbaar.nl",), language="en")
    assert [text[f.start : f.end] for f in verdict.findings] == ["https://example.com/x"]
    assert "example.com" in verdict.findings[0].message
    assert "approved" in verdict.findings[0].suggestion


# --- form ------------------------------------------------------------------------------------


def test_too_long_highlights_the_overflow():
    text = "a" * 3005
    finding = run(text).findings[0]
    assert (finding.code, finding.start, finding.end) == ("form.too_long", 3000, 3005)
    assert "3005" in finding.message and "3000" in finding.message
    assert run("a" * 3000).verdict == "go"
    assert codes("kort bericht", max_length=5) == ["form.too_long"]


def test_hashtags():
    text = "Trots! #een #twee #drie #vier #vijf #zes #zeven"
    finding = run(text).findings[0]
    assert finding.code == "form.hashtags" and text[finding.start : finding.end] == "#zes #zeven"
    assert "7 hashtags" in finding.message
    assert run("Trots! #een #twee #drie #vier #vijf").verdict == "go"
    assert run("#1 #2 #3 #4 #5 #6 https://x.nl/#a C# and R&D#x").verdict == "go"
    assert codes("#een #twee #drie", max_hashtags=2) == ["form.hashtags"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DIT IS ECHT HEEL GAAF nieuws", ["DIT IS ECHT HEEL GAAF"]),
        ("WE ARE SO PROUD of the team", ["WE ARE SO PROUD"]),
        ("Wauw: ONGELOOFLIJKGEWELDIGRESULTAAT!", ["ONGELOOFLIJKGEWELDIGRESULTAAT"]),
        ("I AM SO VERY HAPPY", ["AM SO VERY HAPPY"]),
        ("I AM SO HAPPY", []),  # one-letter words are neutral
        ("Samen met KPMG en ABN AMRO werken we aan AI", []),
        ("Onze stack: AI, ML, NLP, LLM en meer", []),
        ("HEEL GAAF NIEUWS vandaag", []),  # three short words
        ("#AI #ML #NLP #LLM", []),
    ],
)
def test_shouting(text, expected):
    assert spans(text, "form.shouting") == expected


TEMPLATE = (
    "Na acht maanden bouwen staat het nieuwe planningssysteem live. "
    "Trots op het team dat dit mogelijk maakte! #planning"
)


def test_not_personal():
    assert codes(TEMPLATE, template_texts=(TEMPLATE,)) == ["form.not_personal"]
    # lightly edited template sentences still count as the template
    edited = TEMPLATE.replace("acht", "8").replace("#planning", "#trots")
    assert codes(edited, template_texts=(TEMPLATE,)) == ["form.not_personal"]
    own = TEMPLATE + " Ik heb zelf vooral aan de koppeling met het magazijn gewerkt."
    assert codes(own, template_texts=(TEMPLATE,)) == []
    assert codes("Volledig eigen tekst over ons werk.", template_texts=(TEMPLATE,)) == []
    assert codes("   ", template_texts=(TEMPLATE,)) == []


def test_similar_to_colleagues():
    colleague = "Trots op het team! Na acht maanden bouwen staat ons planningssysteem live."
    copy = "Trots op het team!! Na acht maanden bouwen staat ons planningssysteem live. #trots https://acme.nl/l/x"
    reordered = "Na acht maanden bouwen staat ons planningssysteem live. Trots op het team!"
    others = tuple(f"Een heel ander bericht nummer {i} over iets anders." for i in range(500))
    assert codes(copy, colleague_texts=(*others, colleague)) == ["similar.colleagues"]
    assert codes(reordered, colleague_texts=(colleague,)) == ["similar.colleagues"]
    mine = "Wat een mijlpaal: ik heb acht maanden aan de planning gewerkt en leerde enorm veel."
    assert codes(mine, colleague_texts=(*others, colleague)) == []
    # a short colleague post inside a long post of your own is not a copy
    longer = colleague + " Zelf bouwde ik de koppeling met het magazijn, en dat was flink puzzelen."
    assert codes(longer, colleague_texts=(colleague,)) == []


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Mooi project opgeleverd!", True),
        ("Great project delivered!", True),
        ("Ik werk bij Acme en we hebben iets moois opgeleverd.", False),
        ("Mooi project, trots op mijn collega's!", False),
        ("Proud of what we built at ACME this year.", False),
        ("Proud of my colleagues!", False),
        ("Wij van Zichtbaar-team zijn trots", True),
        ("Trots op het Acmeteam", True),
        ("#WerkenBijAcme: nieuwe vacature", False),
    ],
)
def test_disclosure(text, flagged):
    found = codes(text, disclosure_required=True, org_name="Acme")
    assert found == (["disclosure.missing"] if flagged else [])
    assert codes(text) == []  # not required: never


def test_disclosure_extra_phrases_and_without_org():
    assert codes("Dit is #partner content", disclosure_required=True) == ["disclosure.missing"]
    assert (
        codes("Dit is #partner content", disclosure_required=True, disclosure_phrases=("#partner",))
        == []
    )
    finding = run("Mooi", disclosure_required=True).findings[0]
    assert "{org}" not in finding.suggestion and " bij ”" not in finding.suggestion


# --- merging and ordering --------------------------------------------------------------------


def _f(code, severity, start, end):
    return Finding(code, severity, start, end, "m", "s", "")


def test_merge_same_code_overlap_becomes_one():
    merged = merge(
        [_f("confidential.term", "change", 0, 5), _f("confidential.term", "change", 3, 9)]
    )
    assert [(f.start, f.end) for f in merged] == [(0, 9)]


def test_merge_drops_a_tip_inside_a_change_but_keeps_equal_severity():
    merged = merge(
        [
            _f("form.too_long", "change", 10, 50),
            _f("form.shouting", "tip", 20, 30),
            _f("personal_data.email", "change", 20, 30),
            _f("form.hashtags", "tip", 40, 60),  # overlaps, not inside: kept
            _f("embargo", "change", 0, 0),
            _f("embargo", "change", 0, 0),
        ]
    )
    assert [f.code for f in merged] == [
        "embargo",
        "form.too_long",
        "personal_data.email",
        "form.hashtags",
    ]


def test_findings_are_ordered_by_start_then_code():
    text = "jan@acme.nl NL91ABNA0417164300 Aurora"
    verdict = run(
        text, terms=TERMS, disclosure_required=True, now=NOW, shareable_from=NOW + dt.timedelta(1)
    )
    keys = [(f.start, f.code) for f in verdict.findings]
    assert keys == sorted(keys)
    assert keys[:2] == [(0, "disclosure.missing"), (0, "embargo")]
    assert run(text, terms=TERMS) == run(text, terms=TERMS)  # deterministic


# --- messages --------------------------------------------------------------------------------


def test_message_catalogues_have_the_same_keys_and_every_code():
    nl, en = checker.load_messages("nl"), checker.load_messages("en")
    assert set(nl) == set(en)
    for code in CODES:
        for catalogue in (nl, en):
            assert catalogue[code]["message"].strip() and catalogue[code]["suggestion"].strip()
    for key in nl:
        if not key.startswith("_"):
            assert set(nl[key]) == set(en[key]), key
            assert key in CODES or key.rsplit(".", 1)[0] in CODES, key


ALL_RULES_TEXT = (
    "DIT IS ECHT HEEL GAAF: Aurora voor Gemeente Utrecht en Bakkerij Bol! Mail jan@acme.nl, "
    "bel 06-12345678, BSN 111222333, NL91ABNA0417164300, kaart 4111 1111 1111 1111, "
    "zie intranet.acme.nl/x en https://example.com. #a #b #c #d #e #f " + TEMPLATE
)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_code_gets_a_warm_formatted_message(language):
    ctx = dict(
        language=language,
        terms=TERMS,
        clients=CLIENTS,
        now=NOW,
        shareable_from=NOW + dt.timedelta(days=1),
        allowed_hosts=("acme.nl",),
        template_texts=(TEMPLATE,),
        colleague_texts=(ALL_RULES_TEXT,),
        disclosure_required=True,
        org_name="Acme",
        max_length=200,
    )
    findings = run(ALL_RULES_TEXT, **ctx).findings
    quiet = run(
        "Hoi", language=language, now=NOW, quiet_periods=((NOW, NOW + dt.timedelta(1), "AVA"),)
    )
    found = {f.code for f in findings} | {f.code for f in quiet.findings}
    assert found == set(CODES) - {"form.not_personal"}  # the post has sentences of its own
    findings += run(TEMPLATE, language=language, template_texts=(TEMPLATE,)).findings
    praise = ("Mooi", "Leuk") if language == "nl" else ("Nice", "Great")
    first = {"nl": ("Eén ding:", "Een tip:"), "en": ("One thing:", "A tip:")}[language]
    more = {"nl": ("Ook:", "Nog een tip:"), "en": ("Also:", "Another tip:")}[language]
    # Only the first finding of a verdict opens with praise; the others carry on with "also".
    for verdict in (
        run(ALL_RULES_TEXT, **ctx),
        quiet,
        run(TEMPLATE, language=language, template_texts=(TEMPLATE,)),
    ):
        for i, finding in enumerate(verdict.findings):
            assert "{" not in finding.message + finding.suggestion
            if i == 0:
                assert finding.message.startswith(praise), finding.message
                assert first[finding.severity == "tip"] in finding.message
            else:
                assert finding.message.startswith(more[finding.severity == "tip"]), finding.message
                assert not finding.message.startswith(praise)


def test_language_selection():
    text = "bel 06-12345678"
    assert run(text, language="en").findings[0].message.startswith("Nice post! One thing:")
    assert run(text, language="nl").findings[0].message.startswith("Mooi bericht! Eén ding:")
    assert run(text, language="EN-gb").findings[0].message.startswith("Nice post!")
    assert run(text, language="fr").findings[0].message.startswith("Mooi bericht!")
