"""The demo organisation: a realistic Dutch consultancy with people, moments, shares and clicks.

The data lives in data/*.yaml; this module turns it into an organisation through the apps'
services, as people would: people are upserted, comms writes and publishes moments, employees
propose some, sharers open their tracked links and record their posts. Only history that no
service can write (back-dated timestamps, six months of clicks) is written to the models.

`load_demo()` is idempotent: people are upserted (keyed by e-mail), the demo organisation's
moments, tracked links, shares, clicks and survey are deleted and generated again from a seeded
random generator, all in one transaction. Nothing outside the demo organisation is touched,
except the profiles and passwords of the demo people themselves (all at demo.zichtbaar.test).
"""

from __future__ import annotations

import copy
import functools
import math
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zichtbaar.demo.guideline import load_demo_check
from zichtbaar.demo.survey import load_demo_survey
from zichtbaar.demo.workshop import load_demo_workshops
from zichtbaar.impact.reach import Assumptions, network
from zichtbaar.moments import services as moments
from zichtbaar.moments.models import Moment, MomentType
from zichtbaar.orgs.models import Barrier, Language, Membership, Organisation, Role, Team, User
from zichtbaar.orgs.services import (
    PersonData,
    mark_email_verified,
    profile_changed,
    update_profile,
    upsert_person,
)
from zichtbaar.sharing.models import Click, Share, TrackedLink
from zichtbaar.sharing.services import get_or_create_link, is_bot, record_share, visitor_hash
from zichtbaar.surveys.models import Survey

DATA_DIR = Path(__file__).with_name("data")


@functools.cache
def dataset(name: str) -> Any:
    """One of the demo's data files (data/<name>.yaml), parsed once; never change what it returns."""
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    shows: str


_ORGANISATION = dataset("organisation")
SLUG: str = _ORGANISATION["slug"]
NAME: str = _ORGANISATION["name"]
DOMAIN: str = _ORGANISATION["domain"]
PASSWORD: str = _ORGANISATION["password"]
SITE: str = _ORGANISATION["site"]
LOGINS = tuple(DemoLogin(**login) for login in _ORGANISATION["logins"])

# How the history is generated (the knobs, not the data).
SEED = 2026
# LinkedIn link click-through: about 0.5-2% of the people who see a post (so a dashboard
# showing 37,742 estimated views shows a few hundred clicks, not 17,758).
CLICK_THROUGH = 0.011
CLICK_THROUGH_RANGE = (0.004, 0.025)
SHARE_HISTORY_DAYS = 182
SHARER_FRACTION = 0.35
BOT_FRACTION = 0.08
CLICK_BATCH = 2_000

PUBLISHED, EMBARGO, DRAFT, SUBMITTED, ARCHIVED = (
    "published",
    "embargo",
    "draft",
    "submitted",
    "archived",
)


def agents(kind: str) -> list[str]:
    """The user agents of clicking people (kind "people") or of preview bots ("bots")."""
    return [row["agent"] for row in dataset("visitors")[kind]]


def _agent_weights(kind: str) -> list[int]:
    return [row["weight"] for row in dataset("visitors")[kind]]


HUMAN_AGENTS = agents("people")
BOT_AGENTS = agents("bots")


@dataclass(frozen=True)
class DemoSummary:
    people: int
    teams: int
    moments: int
    moment_types: int
    sharers: int
    shares: int
    links: int
    clicks: int
    bot_clicks: int


# --- People -------------------------------------------------------------------------------


def _email_for(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    first, *rest = folded.split()
    last = "".join(ch for ch in "".join(rest) if ch.isalnum())
    return f"{first}.{last}@{DOMAIN}"


def _people(rng: random.Random) -> list[dict[str, Any]]:
    """Everyone in the demo organisation, as plain data; the same list on every run."""
    data = dataset("people")
    names = data["names"]
    people = [{"onboarded": True, **p} for p in copy.deepcopy(data["people"])]
    used_emails = {p["email"] for p in people}
    international = iter(names["international"])
    for team in data["teams"]:
        fixed_here = sum(1 for p in people if p["team"] == team["name"])
        for index in range(team["size"] - fixed_here):
            english = rng.random() < team["english"]
            while True:
                if english:
                    name = next(international)
                else:
                    name = f"{rng.choice(names['first'])} {rng.choice(names['last'])}"
                email = _email_for(name)
                if email not in used_emails:
                    break
            used_emails.add(email)
            lead = index == 0 and "lead" in team
            people.append(
                {
                    "email": email,
                    "name": name,
                    "team": team["name"],
                    "title": team["lead"] if lead else rng.choice(team["titles"]),
                    "language": Language.EN if english else Language.NL,
                    # LinkedIn networks are heavily skewed: lognormal around a median of ~400.
                    "connections": min(
                        30_000, max(25, round(rng.lognormvariate(math.log(360), 0.9)))
                    ),
                    "expertise": rng.sample(team["expertise"], rng.randint(2, 4)),
                }
            )
    for person in people:
        person.setdefault("role", Role.EMPLOYEE)
        connections = person["connections"]
        if rng.random() < 0.4:
            person["followers"] = round(connections * rng.uniform(1.03, 1.35))
        else:
            person["followers"] = connections + rng.randint(0, 25)
        person.setdefault("onboarded", rng.random() < 0.9)
        if person["onboarded"]:
            person.setdefault(
                "barrier",
                rng.choices(
                    [Barrier.RELEVANCE, Barrier.PERMISSION, Barrier.VALUE, Barrier.NONE],
                    weights=[40, 30, 20, 10],
                )[0],
            )
            person["consent"] = person.get("propensity") is not None or rng.random() < 0.93
            person.setdefault("onboarded_days_ago", rng.uniform(2, 210))
        else:
            person["barrier"] = ""
            person["consent"] = False
    return people


def _choose_sharers(people: list[dict[str, Any]], rng: random.Random) -> None:
    """About 35% of people share at all; some of them almost everything, most now and then."""
    team_weight = {team["name"]: team["sharer_weight"] for team in dataset("people")["teams"]}
    wanted = round(SHARER_FRACTION * len(people))
    for person in people:
        person["sharer"] = person.get("propensity") is not None
    pool = [p for p in people if p["consent"] and not p["sharer"]]
    while sum(p["sharer"] for p in people) < wanted and pool:
        weights = [team_weight[p["team"]] * (1.6 if p["connections"] > 700 else 1.0) for p in pool]
        chosen = rng.choices(pool, weights=weights)[0]
        pool.remove(chosen)
        chosen["sharer"] = True
        chosen["propensity"] = min(0.97, rng.betavariate(3.5, 0.9))
    for person in people:
        if person["sharer"] and not person.get("recently_joined"):
            # Sharers started early: they were onboarded before the first moments went out.
            person["onboarded_days_ago"] = max(person["onboarded_days_ago"], rng.uniform(175, 215))


def _load_people(org: Organisation, people: list[dict[str, Any]], now: datetime) -> dict[str, User]:
    logins = {login.email for login in LOGINS}
    users: dict[str, User] = {}
    for person in people:
        membership, _ = upsert_person(
            org,
            PersonData(
                email=person["email"],
                name=person["name"],
                team=person["team"],
                role=person["role"],
                language=person["language"],
                connections=person["connections"],
                followers=person["followers"],
                job_title=person["title"],
            ),
        )
        user = membership.user
        if not membership.is_active:
            # No service reactivates a membership (an import leaves it as it is); the demo
            # brings back anyone an earlier run or a demo visitor switched off.
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        profile = user.profile
        consent_changed = profile.consent_tracking != person["consent"]
        # What each person chose when onboarding; onboarded_at is back-dated history.
        update_profile(
            profile,
            language=person["language"],
            expertise=person["expertise"],
            barrier=person["barrier"],
            consent_tracking=person["consent"],
            onboarded_at=(
                now - timedelta(days=person["onboarded_days_ago"]) if person["onboarded"] else None
            ),
        )
        if consent_changed:
            profile_changed(profile, ["consent_tracking"])
        if person["email"] in logins:
            # The published demo password; an invitation would e-mail these made-up addresses.
            user.set_password(PASSWORD)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
            mark_email_verified(user)  # demo logins sign in with a password at once
        users[person["email"]] = user
    # Demo people an earlier version of this loader generated, but this one doesn't, leave
    # (no service removes a member; only demo addresses in the demo organisation go).
    Membership.objects.filter(org=org, user__email__endswith=f"@{DOMAIN}").exclude(
        user__email__in=list(users)
    ).delete()
    return users


# --- Moments ------------------------------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _load_moments(
    org: Organisation,
    people: list[dict[str, Any]],
    users: dict[str, User],
    rng: random.Random,
    now: datetime,
) -> list[tuple[Moment, dict[str, Any]]]:
    """Comms writes and publishes the moments; two are proposals from employees, in review."""
    today = timezone.localdate(now)
    moments.sync_builtin_types()
    types = {t.key: t for t in MomentType.objects.filter(org=None)}
    teams = {team.name: team for team in Team.objects.filter(org=org)}
    lotte = users[f"lotte@{DOMAIN}"]
    loaded: list[tuple[Moment, dict[str, Any]]] = []
    for spec in dataset("moments"):
        happened = today + timedelta(days=spec["happened"])
        status = spec["status"]
        author = lotte
        if status == SUBMITTED:
            candidates = [
                p
                for p in people
                if p["team"] == spec["submitter_team"]
                and p["onboarded"]
                and p["role"] == Role.EMPLOYEE
                and p["email"] != f"sanne@{DOMAIN}"
            ]
            author = users[rng.choice(candidates)["email"]]
        embargo = spec.get("shareable_from")
        start = _at(
            today + timedelta(days=spec["happened"] if embargo is None else embargo),
            10 if embargo == spec["happened"] else 9,
        )
        until = start + timedelta(days=spec["shareable_days"]) if "shareable_days" in spec else None
        # When it was published lies in the past: publish() keeps a date that is already set.
        published_at = None
        if status in (PUBLISHED, ARCHIVED):
            published_at = start - timedelta(hours=1)
        elif status == EMBARGO:
            published_at = now - timedelta(days=rng.randint(1, 3))
        shareable = status != SUBMITTED
        texts = {lang: _texts(spec, lang) for lang in ("nl", "en")}
        main = org.default_language if org.default_language in texts else "nl"
        other = "en" if main == "nl" else "nl"
        moment = moments.create_moment(
            org=org,
            author=author,
            data={
                "type": types[spec["type"]],
                **texts[main],
                "language": main,
                "translations": {other: texts[other]} if texts[other]["what_happened"] else {},
                "tags": list(spec.get("tags", [])),
                "note_to_comms": _in(spec.get("note_to_comms", ""), main),
                "happened_on": happened,
                "link": f"{SITE}/{spec['path']}",
                "audience_everyone": not spec.get("teams"),
                "shareable_from": start if shareable else None,
                "shareable_until": until if shareable else None,
                "client_name": spec.get("client", ""),
                "client_may_be_named": spec.get("client_may_be_named", False),
                "published_at": published_at,
            },
            teams=[teams[name] for name in spec.get("teams", [])],
            submit=status == SUBMITTED,
            involved_teams=[teams[name] for name in spec.get("involved", [])],
        )
        if status in (PUBLISHED, EMBARGO, ARCHIVED):
            moment = moments.publish(moment)
        if status == ARCHIVED:
            moment = moments.archive(moment)
        created = min(now, _at(happened, 9) - timedelta(days=rng.randint(2, 10)))
        if status == SUBMITTED:
            created = now - timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 8))
        # Back-dated history: when the moment was written (no service sets a past date).
        Moment.objects.filter(pk=moment.pk).update(created_at=created, updated_at=created)
        loaded.append((moment, spec))
    return loaded


def _in(value: Any, language: str) -> str:
    """A text of the data files in one language: {nl: ..., en: ...}, or one string (Dutch)."""
    if isinstance(value, dict):
        return str(value.get(language) or "")
    return str(value or "") if language == "nl" else ""


def _texts(spec: dict[str, Any], language: str) -> dict[str, str]:
    return {
        "title": _in(spec["title"], language),
        "what_happened": _in(spec["what_happened"], language),
        "facts_who": _in(spec["who"], language),
        "facts_what": _in(spec["fact"], language),
        "facts_where": _in(spec["where"], language),
    }


# --- Shares and clicks --------------------------------------------------------------------


def _share_time(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """Most shares come in the first days; people post in the morning, at lunch or at night."""
    span = (end - start).total_seconds()
    if span <= 0:
        return start
    early = rng.random() < 0.8
    offset = rng.expovariate(1 / (2.5 * 86400)) if early else rng.uniform(0, span)
    moment = start + timedelta(seconds=min(offset, span))
    local = timezone.localtime(moment)
    hour = rng.choices([7, 8, 9, 12, 13, 17, 19, 20, 21], weights=[6, 14, 10, 12, 7, 8, 9, 8, 5])[0]
    candidate = local.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
    return candidate if start <= candidate <= end else moment


def _click_time(rng: random.Random, shared: datetime, now: datetime, bot: bool) -> datetime:
    for _ in range(6):
        if bot:
            delay = rng.expovariate(1 / 1800)  # previews are fetched within the hour
        elif rng.random() < 0.85:
            delay = rng.expovariate(1 / (0.8 * 86400))
        else:
            delay = rng.expovariate(1 / (6 * 86400))
        at = shared + timedelta(seconds=30 + delay)
        if at <= now:
            return at
    return shared + (now - shared) * rng.random()


def _fake_address(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    return (
        f"2001:db8:{rng.randrange(65536):x}:{rng.randrange(65536):x}::{rng.randrange(1, 65536):x}"
    )


def _reach(person: dict[str, Any]) -> float:
    return person["connections"] + 0.3 * max(0, person["followers"] - person["connections"])


def _post_text(
    rng: random.Random, spec: dict[str, Any], language: str, angle: str, url: str
) -> str:
    posts = dataset("posts")
    templates = posts["templates"][language]
    lang = "nl" if language == "nl" else "en"
    fact = _in(spec["fact"], lang) or _in(spec["fact"], "nl")
    who = _in(spec["who"], lang) or _in(spec["who"], "nl")
    text = rng.choice(templates.get(angle) or templates["proud_result"]).format(
        title=spec["title"]["nl"],
        title_en=spec["title"]["en"],
        fact=fact,
        fact_lc=fact[:1].lower() + fact[1:],
        who_lc=who[:1].lower() + who[1:],
        url=url,
    )
    tags = posts["hashtags"][spec["type"]]["nl" if language == "nl" else "en"]
    return f"{text}\n\n{tags}"


def _plan_shares(
    people: list[dict[str, Any]],
    loaded: list[tuple[Moment, dict[str, Any]]],
    rng: random.Random,
    now: datetime,
) -> list[tuple[dict[str, Any], Moment, dict[str, Any], datetime]]:
    """Who shares what, when: only published (or since archived) moments, inside their window."""
    history_start = now - timedelta(days=SHARE_HISTORY_DAYS)
    sharers = [p for p in people if p["sharer"]]
    planned: list[tuple[dict[str, Any], Moment, dict[str, Any], datetime]] = []
    for moment, spec in loaded:
        if spec["status"] not in (PUBLISHED, ARCHIVED) or moment.shareable_from is None:
            continue
        window_start = max(moment.shareable_from, history_start)
        window_end = min(moment.shareable_until or now, now)
        if window_end <= window_start:
            continue
        for person in sharers:
            if spec.get("teams") and person["team"] not in spec["teams"]:
                continue
            onboarded = now - timedelta(days=person["onboarded_days_ago"])
            start = max(window_start, onboarded)
            if start >= window_end:
                continue
            if rng.random() >= min(0.97, person["propensity"] * spec.get("appeal", 0.8)):
                continue
            shared_at = _share_time(rng, start, window_end)
            planned.append((person, moment, spec, shared_at))
            # Vacancies get a reminder post now and then, with the same tracked link.
            if (
                spec.get("reshare")
                and rng.random() < 0.2
                and shared_at + timedelta(days=5) < window_end
            ):
                again = _share_time(rng, shared_at + timedelta(days=5), window_end)
                planned.append((person, moment, spec, again))
    planned.sort(key=lambda row: row[3])
    return planned


def _load_shares(
    org: Organisation,
    planned: list[tuple[dict[str, Any], Moment, dict[str, Any], datetime]],
    users: dict[str, User],
    rng: random.Random,
) -> list[tuple[dict[str, Any], dict[str, Any], Share]]:
    """Each sharer opens the moment (their tracked link) and records the post they wrote."""
    share_rows: list[tuple[dict[str, Any], dict[str, Any], Share]] = []
    link_first_use: dict[int, datetime] = {}
    for person, moment, spec, shared_at in planned:
        user = users[person["email"]]
        link = get_or_create_link(moment, user)
        assert link is not None  # every shareable demo moment has a link
        link_first_use.setdefault(link.pk, shared_at)
        angles = moment.type.angles or ["proud_result"]
        angle = rng.choices(angles, weights=[6, 3, 1, 1][: len(angles)])[0]
        url = f"{settings.SITE_URL}/l/{link.code}"
        text = _post_text(rng, spec, person["language"], angle, url)
        post_url = (
            f"https://www.linkedin.com/feed/update/urn:li:activity:"
            f"{rng.randrange(7_200_000_000_000_000_000, 7_300_000_000_000_000_000)}/"
            if rng.random() < 0.8
            else ""
        )
        share = record_share(
            moment=moment,
            user=user,
            text=text,
            post_url=post_url,
            angle=angle,
            shared_at=shared_at,
        )
        share_rows.append((person, spec, share))
    # Back-dated history: each link was made just before its first post.
    links = list(TrackedLink.objects.filter(org=org))
    for link in links:
        link.created_at = link_first_use[link.pk] - timedelta(minutes=rng.randint(1, 20))
    TrackedLink.objects.bulk_update(links, ["created_at"], batch_size=500)
    return share_rows


def _load_clicks(
    share_rows: list[tuple[dict[str, Any], dict[str, Any], Share]],
    scale: float,
    rng: random.Random,
    now: datetime,
    say: Callable[[str], None],
) -> None:
    """Six months of visitors, as many as a LinkedIn post really brings: about 1% of the
    people who see it click its link (CLICK_THROUGH), and who sees it is the dashboard's own
    estimate (the author's network times the high end of organic reach). Better moments and
    older (finished) posts bring more; bots fetching previews come on top.

    Written in bulk to the model: record_click stamps the present moment and one row at a
    time, while these clicks are history spread over weeks. `scale` shrinks them (tests)."""
    assumptions = Assumptions.defaults()
    exact = []
    for person, spec, share in share_rows:
        age_days = (now - share.shared_at).total_seconds() / 86400
        maturity = 1 - math.exp(-age_days / 1.2)  # most clicks come in the first two days
        audience = network(person["connections"], person["followers"], assumptions)
        views = audience * assumptions.organic_reach_high  # the dashboard's own estimate
        rate = CLICK_THROUGH * spec.get("appeal", 0.8) / 0.8 * rng.lognormvariate(0, 0.5)
        rate = min(max(rate, CLICK_THROUGH_RANGE[0]), CLICK_THROUGH_RANGE[1])
        exact.append(views * rate * maturity * scale / (1 - BOT_FRACTION))
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
    for index in by_remainder[: round(sum(exact)) - sum(counts)]:
        counts[index] += 1
    target = sum(counts)

    human_agents, bot_agents = agents("people"), agents("bots")
    human_weights, bot_weights = _agent_weights("people"), _agent_weights("bots")
    bot_agent = {agent: is_bot(agent) for agent in human_agents + bot_agents}
    batch: list[Click] = []
    written = 0
    for (_person, _spec, share), count in zip(share_rows, counts, strict=True):
        visitors: list[tuple[str, str]] = []
        for _ in range(count):
            bot = rng.random() < BOT_FRACTION
            at = _click_time(rng, share.shared_at, now, bot)
            if bot:
                agent = rng.choices(bot_agents, weights=bot_weights)[0]
                address = _fake_address(rng)
            elif visitors and rng.random() < 0.08:  # someone clicking twice
                address, agent = rng.choice(visitors)
            else:
                agent = rng.choices(human_agents, weights=human_weights)[0]
                address = _fake_address(rng)
                visitors.append((address, agent))
            batch.append(
                Click(
                    link_id=share.link_id or 0,  # always set for demo shares
                    at=at,
                    visitor=visitor_hash(address, agent, timezone.localdate(at)),
                    is_bot=bot_agent[agent],
                )
            )
            if len(batch) >= CLICK_BATCH:
                Click.objects.bulk_create(batch)
                written += len(batch)
                batch = []
                say(f"Loading clicks… {written}/{target}")
    if batch:
        Click.objects.bulk_create(batch)
        written += len(batch)
        say(f"Loading clicks… {written}/{target}")


# --- Loading ------------------------------------------------------------------------------


@transaction.atomic
def load_demo(
    *, scale: float = 1.0, log: Callable[[str], None] | None = None, now: datetime | None = None
) -> DemoSummary:
    """Create or refresh the demo organisation. `scale` shrinks the clicks (for tests only)."""
    say = log or (lambda _message: None)
    rng = random.Random(SEED)
    now = now or timezone.now()

    # No service creates an organisation (the admin and import_people write it directly).
    org, _ = Organisation.objects.update_or_create(
        slug=SLUG,
        defaults={
            "name": NAME,
            "default_language": Language.NL,
            "formal_tone": False,
            "linkedin_followers": _ORGANISATION["linkedin_followers"],
        },
    )
    # The generated part is rebuilt from scratch; only this organisation's rows are deleted
    # (no service deletes moments, shares or surveys).
    Click.objects.filter(link__org=org).delete()
    Share.objects.filter(org=org).delete()
    TrackedLink.objects.filter(org=org).delete()
    Moment.objects.filter(org=org).delete()
    Survey.objects.filter(org=org).delete()

    people = _people(rng)
    _choose_sharers(people, rng)
    say(f"Loading people… {len(people)}")
    users = _load_people(org, people, now)

    loaded = _load_moments(org, people, users, rng, now)
    say(f"Loading moments… {len(loaded)}")

    share_rows = _load_shares(org, _plan_shares(people, loaded, rng, now), users, rng)
    sharer_count = len({share.user_id for _p, _s, share in share_rows})
    say(f"Loading shares… {len(share_rows)} by {sharer_count} people")

    _load_clicks(share_rows, scale, rng, now, say)

    say("Loading the guideline, client register and confidential terms…")
    load_demo_check(org)
    load_demo_survey(org)
    say("Loading the workshops…")
    load_demo_workshops(org, now)

    clicks = Click.objects.filter(link__org=org)
    return DemoSummary(
        people=Membership.objects.filter(org=org).count(),
        teams=Team.objects.filter(org=org).count(),
        moments=Moment.objects.filter(org=org).count(),
        moment_types=Moment.objects.filter(org=org).values("type").distinct().count(),
        sharers=Share.objects.filter(org=org).values("user").distinct().count(),
        shares=Share.objects.filter(org=org).count(),
        links=TrackedLink.objects.filter(org=org).count(),
        clicks=clicks.count(),
        bot_clicks=clicks.filter(is_bot=True).count(),
    )
