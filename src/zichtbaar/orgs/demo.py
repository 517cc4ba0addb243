"""The demo organisation: a realistic Dutch consultancy with people, moments, shares and clicks.

`load_demo()` is idempotent: people are upserted (keyed by e-mail), the demo organisation's
moments, tracked links, shares and clicks are deleted and generated again from a seeded random
generator, all in one transaction. Nothing outside the demo organisation is touched, except the
profiles and passwords of the demo people themselves (all at demo.zichtbaar.test).
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zichtbaar.moments.models import Moment, MomentStatus, MomentType
from zichtbaar.moments.services import sync_builtin_types
from zichtbaar.orgs.models import Barrier, Language, Membership, Organisation, Role, Team, User
from zichtbaar.orgs.services import PersonData, mark_email_verified, upsert_person
from zichtbaar.sharing.models import Click, Share, TrackedLink
from zichtbaar.sharing.services import get_or_create_link, is_bot, visitor_hash

SLUG = "demo"
NAME = "Van Dijk & Partners"
DOMAIN = "demo.zichtbaar.test"
PASSWORD = "zichtbaar-demo"  # noqa: S105 - a published demo password, on purpose
SEED = 2026
SITE = "https://www.vandijkpartners.example"
COMPANY_FOLLOWERS = 2412
TARGET_CLICKS = 20_000
SHARE_HISTORY_DAYS = 182
SHARER_FRACTION = 0.35
BOT_FRACTION = 0.08
CLICK_BATCH = 2_000


@dataclass(frozen=True)
class DemoLogin:
    email: str
    shows: str


LOGINS = (
    DemoLogin(
        f"sanne@{DOMAIN}",
        "Dutch-speaking employee (Data & AI), not onboarded yet: signing in shows the onboarding",
    ),
    DemoLogin(
        f"james@{DOMAIN}",
        "English-speaking employee (Cloud), onboarded: "
        "moments to share, his shares and their clicks",
    ),
    DemoLogin(
        f"lotte@{DOMAIN}",
        "comms lead (Marketing & Communicatie): moments, review "
        "queue, embargoes and the organisation's impact",
    ),
)


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

TEAMS: list[dict[str, Any]] = [
    {
        "name": "Data & AI",
        "size": 20,
        "english": 0.28,
        "titles": [
            "Data Engineer",
            "Senior Data Engineer",
            "Data Scientist",
            "Machine Learning Engineer",
            "Analytics Engineer",
            "BI-consultant",
            "Data-architect",
            "Medior Data Engineer",
        ],
        "expertise": [
            "data engineering",
            "machine learning",
            "Python",
            "Databricks",
            "dbt",
            "Power BI",
            "MLOps",
            "datagovernance",
            "LLM's",
            "statistiek",
        ],
    },
    {
        "name": "Cloud",
        "size": 20,
        "english": 0.28,
        "titles": [
            "Cloud Engineer",
            "Senior Cloud Engineer",
            "Cloud Architect",
            "DevOps Engineer",
            "Platform Engineer",
            "Security Engineer",
        ],
        "expertise": [
            "Azure",
            "AWS",
            "Kubernetes",
            "Terraform",
            "FinOps",
            "security",
            "netwerken",
            "observability",
            "CI/CD",
        ],
    },
    {
        "name": "Software",
        "size": 26,
        "english": 0.25,
        "titles": [
            "Software Developer",
            "Senior Software Developer",
            "Full-stack Developer",
            "Front-end Developer",
            "Test Engineer",
            "Scrum Master",
            "Product Owner",
        ],
        "expertise": [
            "Java",
            ".NET",
            "TypeScript",
            "React",
            "Python",
            "toegankelijkheid",
            "API-design",
            "testautomatisering",
            "mobiele apps",
            "UX",
        ],
    },
    {
        "name": "Advies",
        "size": 18,
        "english": 0.06,
        "titles": [
            "Principal Consultant",
            "Senior Adviseur",
            "Adviseur digitale transformatie",
            "Business Analist",
            "Projectmanager",
            "Informatiearchitect",
        ],
        "expertise": [
            "digitale strategie",
            "verandermanagement",
            "publieke sector",
            "zorg",
            "energietransitie",
            "aanbestedingen",
            "procesoptimalisatie",
            "AI-governance",
        ],
    },
    {
        "name": "Sales",
        "size": 10,
        "english": 0.0,
        "titles": [
            "Accountmanager",
            "Senior Accountmanager",
            "Business Developer",
            "Bid Manager",
            "Sales Support",
        ],
        "expertise": [
            "accountmanagement",
            "aanbestedingen",
            "publieke sector",
            "zorg",
            "partnerships",
            "onderhandelen",
        ],
    },
    {
        "name": "HR & Recruitment",
        "size": 8,
        "english": 0.0,
        "titles": [
            "Recruiter",
            "Corporate Recruiter",
            "HR-adviseur",
            "Talent Acquisition Specialist",
            "Office Manager",
        ],
        "expertise": [
            "recruitment",
            "employer branding",
            "onboarding",
            "arbeidsmarkt",
            "opleiden",
            "vitaliteit",
        ],
    },
    {
        "name": "Marketing & Communicatie",
        "size": 8,
        "english": 0.0,
        "titles": [
            "Content Marketeer",
            "Online Marketeer",
            "Communicatieadviseur",
            "Grafisch Ontwerper",
            "Eventmanager",
        ],
        "expertise": [
            "contentstrategie",
            "LinkedIn",
            "storytelling",
            "events",
            "SEO",
            "interne communicatie",
            "design",
        ],
    },
    {
        "name": "Finance",
        "size": 10,
        "english": 0.0,
        "titles": [
            "Financieel Administrateur",
            "Salarisadministrateur",
            "Business Controller",
            "Medewerker Debiteurenbeheer",
            "Financieel Analist",
        ],
        "expertise": [
            "rapportages",
            "controlling",
            "Exact",
            "salarisadministratie",
            "forecasting",
            "inkoop",
        ],
    },
]

# Fixed people: the three demo logins and the colleagues the moments mention by name.
FIXED_PEOPLE: list[dict[str, Any]] = [
    {
        "email": f"sanne@{DOMAIN}",
        "name": "Sanne de Boer",
        "team": "Data & AI",
        "title": "Data Scientist",
        "language": "nl",
        "connections": 362,
        "expertise": ["machine learning", "Python", "statistiek"],
        "login": True,
        "onboarded": False,
    },
    {
        "email": f"james@{DOMAIN}",
        "name": "James Whitfield",
        "team": "Cloud",
        "title": "Senior Cloud Engineer",
        "language": "en",
        "connections": 618,
        "expertise": ["Azure", "Kubernetes", "FinOps"],
        "login": True,
        "barrier": Barrier.VALUE,
        "propensity": 0.55,
    },
    {
        "email": f"lotte@{DOMAIN}",
        "name": "Lotte Verhoeven",
        "team": "Marketing & Communicatie",
        "title": "Communicatiemanager",
        "language": "nl",
        "connections": 1460,
        "role": Role.COMMS,
        "expertise": ["contentstrategie", "LinkedIn", "storytelling"],
        "login": True,
        "barrier": Barrier.NONE,
        "propensity": 0.97,
    },
    {
        "email": f"peter.vandijk@{DOMAIN}",
        "name": "Peter van Dijk",
        "team": "Advies",
        "title": "Managing Partner",
        "language": "nl",
        "connections": 4870,
        "role": Role.ADMIN,
        "expertise": ["digitale strategie", "publieke sector", "ondernemerschap"],
        "barrier": Barrier.RELEVANCE,
        "propensity": 0.9,
    },
    {
        "email": f"marieke.smit@{DOMAIN}",
        "name": "Marieke Smit",
        "team": "Sales",
        "title": "Sales Director",
        "language": "nl",
        "connections": 3420,
        "expertise": ["accountmanagement", "partnerships", "zorg"],
        "barrier": Barrier.NONE,
        "propensity": 0.95,
    },
    {
        "email": f"fatima.elamrani@{DOMAIN}",
        "name": "Fatima El Amrani",
        "team": "Data & AI",
        "title": "Head of Data & AI",
        "language": "nl",
        "connections": 3080,
        "expertise": ["AI-governance", "machine learning", "leiderschap"],
        "barrier": Barrier.PERMISSION,
        "propensity": 0.85,
        "onboarded_days_ago": 28,
        "recently_joined": True,
    },
    {
        "email": f"priya.raman@{DOMAIN}",
        "name": "Priya Raman",
        "team": "Cloud",
        "title": "Cloud Architect",
        "language": "en",
        "connections": 1240,
        "expertise": ["Azure", "Terraform", "security"],
        "barrier": Barrier.RELEVANCE,
        "propensity": 0.8,
    },
    {
        "email": f"ingrid.bos@{DOMAIN}",
        "name": "Ingrid Bos",
        "team": "Marketing & Communicatie",
        "title": "Communicatieadviseur",
        "language": "nl",
        "connections": 890,
        "role": Role.COMMS,
        "expertise": ["interne communicatie", "storytelling"],
        "barrier": Barrier.NONE,
        "propensity": 0.9,
    },
]

TEAM_LEADS = {
    "Cloud": "Teamlead Cloud",
    "Software": "Teamlead Software",
    "Advies": "Principal Consultant",
    "HR & Recruitment": "HR-manager",
    "Finance": "Controller",
}

FIRST_NAMES = [
    "Daan",
    "Bram",
    "Thijs",
    "Lars",
    "Ruben",
    "Jeroen",
    "Martijn",
    "Bas",
    "Niels",
    "Wouter",
    "Tim",
    "Joost",
    "Sander",
    "Koen",
    "Stijn",
    "Jasper",
    "Rick",
    "Pieter",
    "Maarten",
    "Erik",
    "Hans",
    "Rob",
    "Dennis",
    "Tom",
    "Sem",
    "Luuk",
    "Jesse",
    "Milan",
    "Youssef",
    "Mehmet",
    "Emre",
    "Anouk",
    "Femke",
    "Lisa",
    "Eva",
    "Iris",
    "Marloes",
    "Esther",
    "Linda",
    "Sophie",
    "Fleur",
    "Laura",
    "Noor",
    "Julia",
    "Maud",
    "Roos",
    "Inge",
    "Karin",
    "Mirjam",
    "Annemieke",
    "Charlotte",
    "Judith",
    "Nadia",
    "Yasmina",
    "Ilse",
    "Hanna",
    "Merel",
    "Floor",
    "Kim",
    "Anita",
]
LAST_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Visser",
    "Meijer",
    "Mulder",
    "de Groot",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "van de Ven",
    "Hoekstra",
    "Maas",
    "Koster",
    "van Dam",
    "van der Wal",
    "Prins",
    "Blom",
    "Huisman",
    "Postma",
    "Kuipers",
    "El Idrissi",
    "Yilmaz",
    "Kaya",
    "Bouzid",
    "Ramdin",
    "Tjon A Fong",
    "Nguyen",
    "Çelik",
]
INTERNATIONAL_NAMES = [
    "Oliver Bennett",
    "Emily Carter",
    "Rahul Mehta",
    "Ananya Iyer",
    "Lukas Becker",
    "Julia Schneider",
    "Mateo García",
    "Sofia Rossi",
    "Wei Chen",
    "Daniel O'Connor",
    "Hannah Novak",
    "Tomasz Kowalski",
    "Elena Popescu",
    "Arjun Nair",
    "Grace Mitchell",
    "Marco Bianchi",
    "Katarzyna Wiśniewska",
    "Ahmed Hassan",
    "Lucas Martin",
    "Chloé Dubois",
]


def _email_for(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    first, *rest = folded.split()
    last = "".join(ch for ch in "".join(rest) if ch.isalnum())
    return f"{first}.{last}@{DOMAIN}"


def _people(rng: random.Random) -> list[dict[str, Any]]:
    """Everyone in the demo organisation, as plain data; the same list on every run."""
    people = [{"onboarded": True, **p} for p in FIXED_PEOPLE]
    used_emails = {p["email"] for p in people}
    international = iter(INTERNATIONAL_NAMES)
    for team in TEAMS:
        fixed_here = sum(1 for p in people if p["team"] == team["name"])
        for index in range(team["size"] - fixed_here):
            english = rng.random() < team["english"]
            while True:
                if english:
                    name = next(international)
                else:
                    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                email = _email_for(name)
                if email not in used_emails:
                    break
            used_emails.add(email)
            lead = index == 0 and team["name"] in TEAM_LEADS
            people.append(
                {
                    "email": email,
                    "name": name,
                    "team": team["name"],
                    "title": TEAM_LEADS[team["name"]] if lead else rng.choice(team["titles"]),
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


SHARER_TEAM_WEIGHT = {
    "Marketing & Communicatie": 3.0,
    "Sales": 2.5,
    "HR & Recruitment": 2.2,
    "Advies": 1.3,
    "Data & AI": 1.2,
    "Cloud": 1.0,
    "Software": 0.7,
    "Finance": 0.4,
}


def _choose_sharers(people: list[dict[str, Any]], rng: random.Random) -> None:
    """About 35% of people share at all; some of them almost everything, most now and then."""
    wanted = round(SHARER_FRACTION * len(people))
    for person in people:
        person["sharer"] = person.get("propensity") is not None
    pool = [p for p in people if p["consent"] and not p["sharer"]]
    while sum(p["sharer"] for p in people) < wanted and pool:
        weights = [
            SHARER_TEAM_WEIGHT[p["team"]] * (1.6 if p["connections"] > 700 else 1.0) for p in pool
        ]
        chosen = rng.choices(pool, weights=weights)[0]
        pool.remove(chosen)
        chosen["sharer"] = True
        chosen["propensity"] = min(0.97, rng.betavariate(3.5, 0.9))
    for person in people:
        if person["sharer"] and not person.get("recently_joined"):
            # Sharers started early: they were onboarded before the first moments went out.
            person["onboarded_days_ago"] = max(person["onboarded_days_ago"], rng.uniform(175, 215))


# --- Moments ------------------------------------------------------------------------------

PUB, EMBARGO, DRAFT, SUBMITTED, ARCHIVED = "pub", "embargo", "draft", "submitted", "archived"

# days: when it happened, relative to today. window: days it stays shareable. embargo: the day
# (relative to today) it becomes shareable. teams: a limited audience. appeal: how keen people are.
MOMENTS: list[dict[str, Any]] = [
    {
        "key": "project_delivery",
        "days": -12,
        "status": PUB,
        "window": 45,
        "appeal": 1.0,
        "title": "Nieuw dataplatform live bij Waterschap Lekvallei",
        "title_en": "New data platform live at Waterschap Lekvallei",
        "what": "Na negen maanden bouwen is het dataplatform van Waterschap Lekvallei live. "
        "Sensordata van 240 gemalen en stuwen komt nu binnen seconden samen, zodat de "
        "waterbeheerders bij hevige regen eerder kunnen ingrijpen. We bouwden het samen "
        "met de data-afdeling van het waterschap, die het platform nu zelf beheert.",
        "who": "Team Data & AI samen met de data-afdeling van Waterschap Lekvallei",
        "fact": "Realtime dataplatform voor 240 gemalen en stuwen",
        "where": "Culemborg",
        "path": "cases/dataplatform-waterschap-lekvallei",
        "client": "Waterschap Lekvallei",
        "named": True,
    },
    {
        "key": "project_delivery",
        "days": -47,
        "status": PUB,
        "window": 60,
        "appeal": 0.9,
        "title": "Cloudmigratie afgerond voor een landelijke zorgverzekeraar",
        "title_en": "Cloud migration completed for a national health insurer",
        "what": "In zes maanden verhuisden we 38 applicaties van een eigen datacenter naar Azure, "
        "zonder een minuut ongeplande downtime. Verzekerden merkten er niets van; de "
        "IT-afdeling wel: er gaat nu elke week een release live in plaats van elke maand.",
        "who": "Team Cloud en team Software",
        "fact": "38 applicaties naar Azure, zonder ongeplande downtime",
        "where": "Utrecht",
        "path": "cases/cloudmigratie-zorgverzekeraar",
        "client": "Zorgverzekeraar Lindeboom",
        "named": False,
    },
    {
        "key": "project_delivery",
        "days": 14,
        "status": EMBARGO,
        "embargo": 14,
        "window": 45,
        "title": "Nieuwe reisplanner-app voor Gemeente Vechtstede gaat live",
        "title_en": "New journey-planner app for the municipality of Vechtstede goes live",
        "what": "Op de lanceringsdag staat de nieuwe reisplanner-app van Gemeente Vechtstede in de "
        "app-stores. Inwoners zien bus, deelfiets en vrije parkeerplekken in één app, en "
        "de app is getest met inwoners met een visuele beperking. Niet delen vóór de "
        "persconferentie van de wethouder.",
        "who": "Team Software met het mobiliteitsteam van Gemeente Vechtstede",
        "fact": "Reisplanner-app voor bus, deelfiets en parkeren, getest op toegankelijkheid",
        "where": "Vechtstede",
        "path": "cases/reisplanner-vechtstede",
        "client": "Gemeente Vechtstede",
        "named": True,
    },
    {
        "key": "client_visit",
        "days": -6,
        "status": PUB,
        "window": 21,
        "appeal": 0.8,
        "teams": ["Advies", "Sales"],
        "title": "Op bezoek bij Noordhaven Logistiek in de Rotterdamse haven",
        "title_en": "Visiting Noordhaven Logistiek in the port of Rotterdam",
        "what": "Met zes collega's liepen we een dag mee op de terminal van Noordhaven Logistiek. "
        "We zagen hoe planners de containerstromen nog met whiteboards en Excel sturen, "
        "en waar slimmere planning de wachttijd voor vrachtwagens kan halveren.",
        "who": "Collega's van Advies en Sales, te gast bij Noordhaven Logistiek",
        "fact": "Een dag meelopen met de planners op de containerterminal",
        "where": "Maasvlakte, Rotterdam",
        "path": "nieuws/bezoek-noordhaven-logistiek",
        "client": "Noordhaven Logistiek",
        "named": True,
    },
    {
        "key": "client_visit",
        "days": -33,
        "status": PUB,
        "window": 30,
        "appeal": 0.85,
        "title": "Klantdag bij Zorggroep De Linde: wat zorgmedewerkers echt nodig hebben van IT",
        "title_en": "Client day at Zorggroep De Linde: what care workers really need from IT",
        "what": "We kwamen niet presenteren, maar luisteren. Verzorgenden van Zorggroep De Linde "
        "lieten zien hoeveel tijd ze kwijt zijn aan inloggen en dubbel registreren. Daar "
        "gaan we de komende maanden samen aan werken, te beginnen met één keer inloggen "
        "voor alle systemen.",
        "who": "Team Advies en 40 zorgmedewerkers van Zorggroep De Linde",
        "fact": "Een klantdag op drie locaties",
        "where": "Amersfoort",
        "path": "nieuws/klantdag-zorggroep-de-linde",
        "client": "Zorggroep De Linde",
        "named": True,
    },
    {
        "key": "client_visit",
        "days": -4,
        "status": SUBMITTED,
        "submitter_team": "Advies",
        "title": "Werkbezoek bij een netbeheerder: de energietransitie van dichtbij",
        "title_en": "Visiting a grid operator: the energy transition up close",
        "what": "Vorige week waren we te gast in de regiekamer van een regionale netbeheerder. Het "
        "stroomnet zit op veel plekken vol; met betere voorspellingen van vraag en aanbod "
        "past er meer op hetzelfde net. Mogen we dit delen zonder de naam van de klant?",
        "who": "Drie adviseurs van team Advies",
        "fact": "Rondleiding in de regiekamer en een workshop over netcongestie",
        "where": "Arnhem",
        "path": "nieuws/werkbezoek-netbeheerder",
        "client": "Netbeheer Midden",
        "named": False,
    },
    {
        "key": "vacancy",
        "days": -20,
        "status": PUB,
        "window": 45,
        "appeal": 1.0,
        "reshare": True,
        "title": "Vacature: Senior Data Engineer (32-40 uur)",
        "title_en": "Vacancy: Senior Data Engineer (32-40 hours)",
        "what": "Team Data & AI groeit. We zoeken een senior data engineer die graag "
        "dataplatforms bouwt voor organisaties met maatschappelijke impact, zoals "
        "waterschappen, gemeenten en zorginstellingen. Hybride, vanuit Utrecht.",
        "who": "Team Data & AI",
        "fact": "Senior Data Engineer, 32-40 uur, hybride",
        "where": "Utrecht",
        "path": "werken-bij/senior-data-engineer",
    },
    {
        "key": "vacancy",
        "days": -62,
        "status": PUB,
        "window": 58,
        "appeal": 0.9,
        "reshare": True,
        "title": "Vacature: Cloud Architect",
        "title_en": "Vacancy: Cloud Architect",
        "what": "Voor team Cloud zoeken we een architect die klanten helpt kiezen wat wel en niet "
        "naar de cloud moet, en die het team meeneemt in security en kostenbewustzijn. "
        "Ervaring met Azure of AWS, en zin om te sparren met CIO's.",
        "who": "Team Cloud",
        "fact": "Cloud Architect, 36-40 uur",
        "where": "Utrecht",
        "path": "werken-bij/cloud-architect",
    },
    {
        "key": "vacancy",
        "days": -2,
        "status": PUB,
        "window": 40,
        "appeal": 0.95,
        "reshare": True,
        "title": "Drie plekken in ons traineeprogramma Young Professionals",
        "title_en": "Three places in our Young Professionals traineeship",
        "what": "In september starten drie nieuwe trainees. Twee jaar lang werken ze in "
        "wisselende teams aan echte klantprojecten, met een eigen mentor en een "
        "opleidingsbudget. Net afgestudeerd in informatica, data of bedrijfskunde? "
        "Reageer vóór 1 juni.",
        "who": "HR & Recruitment en de teams Data & AI, Cloud en Software",
        "fact": "Traineeprogramma van twee jaar, drie plekken",
        "where": "Utrecht",
        "path": "werken-bij/young-professionals",
    },
    {
        "key": "collaboration",
        "days": -26,
        "status": PUB,
        "window": 40,
        "appeal": 0.85,
        "title": "Samen met Hogeschool Domstad een AI-lab voor studenten",
        "title_en": "An AI lab for students, together with Hogeschool Domstad",
        "what": "Vanaf dit semester werken studenten van Hogeschool Domstad in ons AI-lab aan "
        "vraagstukken van echte klanten. Onze data scientists begeleiden ze één dag per "
        "week; de eerste groep onderzoekt hoe gemeenten sneller Woo-verzoeken afhandelen.",
        "who": "Team Data & AI en de opleiding Data Science van Hogeschool Domstad",
        "fact": "Een AI-lab met 16 studenten per semester",
        "where": "Utrecht Science Park",
        "path": "nieuws/ai-lab-hogeschool-domstad",
        "client": "Hogeschool Domstad",
        "named": True,
    },
    {
        "key": "collaboration",
        "days": -75,
        "status": PUB,
        "window": 45,
        "appeal": 0.8,
        "title": "Met Energiecoöperatie Zonnewijk naar slimmer laden in de wijk",
        "title_en": "Smarter charging in the neighbourhood, with Energiecoöperatie Zonnewijk",
        "what": "Samen met Energiecoöperatie Zonnewijk ontwikkelen we software die laadpalen in "
        "de wijk laat laden als de zon schijnt en het net ruimte heeft. De eerste 60 "
        "huishoudens doen mee; de code publiceren we als open source.",
        "who": "Team Software en vrijwilligers van Energiecoöperatie Zonnewijk",
        "fact": "Slim laden voor 60 huishoudens, open source",
        "where": "Houten",
        "path": "nieuws/slim-laden-zonnewijk",
        "client": "Energiecoöperatie Zonnewijk",
        "named": True,
    },
    {
        "key": "collaboration",
        "days": 8,
        "status": DRAFT,
        "title": "Strategische samenwerking met een Duitse softwarepartner",
        "title_en": "Strategic partnership with a German software partner",
        "what": "We gaan samenwerken met een Duitse softwarepartner om gemeenten in Nederland en "
        "Duitsland samen te bedienen. Details volgen na ondertekening.",
        "who": "Directie en team Sales",
        "fact": "Samenwerkingsovereenkomst voor drie jaar",
        "where": "Düsseldorf",
        "path": "nieuws/samenwerking-softwarepartner",
        "client": "Brückner Systemhaus",
        "named": False,
    },
    {
        "key": "event",
        "days": -40,
        "status": PUB,
        "window": 30,
        "appeal": 0.9,
        "title": "Priya Raman spreekt op de Dutch Cloud Summit over cloudkosten",
        "title_en": "Priya Raman speaks at the Dutch Cloud Summit about cloud costs",
        "what": "Onze cloud architect Priya Raman vertelde op de Dutch Cloud Summit hoe een "
        "zorgverzekeraar 30% op de cloudrekening bespaarde, zonder in te leveren op "
        "snelheid. De zaal zat vol; de slides en de opname staan op onze site.",
        "who": "Priya Raman (team Cloud)",
        "fact": "Talk 'FinOps zonder gedoe'",
        "where": "Jaarbeurs Utrecht",
        "path": "events/dutch-cloud-summit",
    },
    {
        "key": "event",
        "days": -9,
        "status": PUB,
        "window": 14,
        "appeal": 0.75,
        "teams": ["Data & AI", "Software"],
        "title": "Meetup op ons kantoor: LLM's in productie",
        "title_en": "Meetup at our office: LLMs in production",
        "what": "Ruim 80 developers en data scientists kwamen naar ons kantoor voor een avond "
        "over taalmodellen in productie: evaluatie, kosten en privacy. Met pizza, drie "
        "korte talks en veel goede vragen.",
        "who": "Team Data & AI en team Software",
        "fact": "Meetup met 80 bezoekers en drie talks",
        "where": "Ons kantoor in Utrecht",
        "path": "events/meetup-llms-in-productie",
    },
    {
        "key": "event",
        "days": 21,
        "status": EMBARGO,
        "embargo": 4,
        "window": 17,
        "title": "Open huis: kom kennismaken met Van Dijk & Partners",
        "title_en": "Open house: come and meet Van Dijk & Partners",
        "what": "Op ons open huis laten we zien waar we aan werken, van dataplatforms voor "
        "waterschappen tot apps voor gemeenten. Voor iedereen die nieuwsgierig is naar "
        "werken bij ons. Aanmelden kan via onze site.",
        "who": "Alle teams",
        "fact": "Open huis met demo's en rondleidingen",
        "where": "Ons kantoor in het Jaarbeurskwartier, Utrecht",
        "path": "events/open-huis",
    },
    {
        "key": "milestone",
        "days": -85,
        "status": PUB,
        "window": 30,
        "appeal": 1.0,
        "title": "25 jaar Van Dijk & Partners",
        "title_en": "Van Dijk & Partners turns 25",
        "what": "Wat in 2001 begon op een zolderkamer in Utrecht is nu een bureau van 120 "
        "collega's. We vierden het met klanten, oud-collega's en een taart in de vorm "
        "van een serverrack.",
        "who": "Alle collega's, klanten en oud-collega's",
        "fact": "25-jarig jubileum",
        "where": "Utrecht",
        "path": "nieuws/25-jaar",
    },
    {
        "key": "milestone",
        "days": -18,
        "status": PUB,
        "window": 30,
        "appeal": 0.85,
        "title": "Ons tweede kantoor in Eindhoven is open",
        "title_en": "Our second office, in Eindhoven, is open",
        "what": "Steeds meer klanten zitten in Brabant. Vanaf deze week werken twaalf collega's "
        "vanuit Strijp-S in Eindhoven, dichter bij de klanten in de maakindustrie.",
        "who": "Twaalf collega's uit de teams Cloud, Software en Advies",
        "fact": "Nieuw kantoor voor 20 werkplekken",
        "where": "Strijp-S, Eindhoven",
        "path": "nieuws/kantoor-eindhoven",
    },
    {
        "key": "milestone",
        "days": -172,
        "status": ARCHIVED,
        "window": 30,
        "appeal": 0.9,
        "title": "We zijn verhuisd naar het Jaarbeurskwartier",
        "title_en": "We moved to the Jaarbeurskwartier",
        "what": "Na vijftien jaar aan de Maliebaan zitten we nu naast Utrecht Centraal: meer "
        "ruimte om samen te werken, en bijna iedereen kan met de trein komen.",
        "who": "Alle collega's",
        "fact": "Verhuizing naar een nieuw, energieneutraal kantoor",
        "where": "Jaarbeurskwartier, Utrecht",
        "path": "nieuws/verhuizing-jaarbeurskwartier",
    },
    {
        "key": "award",
        "days": -55,
        "status": PUB,
        "window": 30,
        "appeal": 0.9,
        "title": "Finalist bij de Dutch Data Impact Awards",
        "title_en": "Finalist at the Dutch Data Impact Awards",
        "what": "Ons project voor Waterschap Lekvallei staat in de finale van de Dutch Data "
        "Impact Awards, in de categorie publieke sector. De jury noemde het 'een "
        "voorbeeld van data die echt iets oplost'.",
        "who": "Team Data & AI en Waterschap Lekvallei",
        "fact": "Finale, categorie publieke sector",
        "where": "Amsterdam",
        "path": "nieuws/finalist-data-impact-awards",
        "client": "Waterschap Lekvallei",
        "named": True,
    },
    {
        "key": "award",
        "days": -140,
        "status": ARCHIVED,
        "window": 30,
        "appeal": 0.7,
        "title": "ISO 27001-certificering behaald",
        "title_en": "ISO 27001 certification achieved",
        "what": "Na een jaar voorbereiden hebben we het ISO 27001-certificaat voor "
        "informatiebeveiliging. Voor klanten in de zorg en de publieke sector is dat "
        "een vereiste; voor ons een bevestiging van hoe we al werkten.",
        "who": "Het security-team en alle collega's",
        "fact": "ISO 27001-certificaat",
        "where": "Utrecht",
        "path": "nieuws/iso-27001",
    },
    {
        "key": "award",
        "days": -14,
        "status": PUB,
        "window": 30,
        "appeal": 0.7,
        "teams": ["Cloud", "Sales"],
        "title": "Partnerstatus voor Azure-infrastructuur verlengd",
        "title_en": "Azure infrastructure partner status renewed",
        "what": "Microsoft heeft onze partnerstatus voor Azure-infrastructuur weer met een jaar "
        "verlengd. Daarvoor hebben 14 collega's dit jaar een certificering behaald.",
        "who": "Team Cloud",
        "fact": "Partnerstatus Azure-infrastructuur, 14 certificeringen",
        "where": "Utrecht",
        "path": "nieuws/partnerstatus-azure",
    },
    {
        "key": "new_colleague",
        "days": -30,
        "status": PUB,
        "window": 21,
        "appeal": 0.9,
        "title": "Welkom Fatima El Amrani, onze nieuwe Head of Data & AI",
        "title_en": "Welcome Fatima El Amrani, our new Head of Data & AI",
        "what": "Fatima komt van een grote netbeheerder, waar ze het datateam opbouwde van 4 naar "
        "35 mensen. Bij ons gaat ze team Data & AI laten groeien en ons werk aan "
        "verantwoorde AI verder brengen.",
        "who": "Fatima El Amrani",
        "fact": "Head of Data & AI",
        "where": "Utrecht",
        "path": "nieuws/welkom-fatima-el-amrani",
    },
    {
        "key": "new_colleague",
        "days": -7,
        "status": PUB,
        "window": 14,
        "appeal": 0.7,
        "teams": ["Software"],
        "title": "Welkom aan vier nieuwe developers in team Software",
        "title_en": "Welcome to four new developers in team Software",
        "what": "Deze maand begonnen vier nieuwe developers in team Software: twee in Utrecht en "
        "twee in Eindhoven. Ze starten op het project voor Gemeente Vechtstede.",
        "who": "Vier nieuwe developers in team Software",
        "fact": "Start in team Software",
        "where": "Utrecht en Eindhoven",
        "path": "nieuws/welkom-nieuwe-developers",
    },
    {
        "key": "new_colleague",
        "days": 3,
        "status": DRAFT,
        "title": "Welkom Mark Jansen, onze nieuwe financieel manager",
        "title_en": "Welcome Mark Jansen, our new finance manager",
        "what": "Mark begint maandag als financieel manager. Hij komt van een accountantskantoor "
        "in Amersfoort en gaat onze groei naar twee vestigingen financieel begeleiden.",
        "who": "Mark Jansen",
        "fact": "Financieel manager",
        "where": "Utrecht",
        "path": "nieuws/welkom-mark-jansen",
    },
    {
        "key": "publication",
        "days": -22,
        "status": PUB,
        "window": 60,
        "appeal": 0.9,
        "title": "Whitepaper: AI-governance voor gemeenten in zeven stappen",
        "title_en": "White paper: AI governance for municipalities in seven steps",
        "what": "Veel gemeenten experimenteren met AI, maar wie is er eigenlijk verantwoordelijk "
        "voor? In onze nieuwe whitepaper beschrijven we in zeven stappen hoe je dat "
        "regelt, met voorbeelden uit drie gemeenten.",
        "who": "Team Advies en team Data & AI",
        "fact": "Whitepaper van 24 pagina's",
        "where": "Online",
        "path": "kennis/whitepaper-ai-governance-gemeenten",
    },
    {
        "key": "publication",
        "days": -68,
        "status": PUB,
        "window": 45,
        "appeal": 0.8,
        "title": "Blog: wat de Europese AI-verordening betekent voor je datateam",
        "title_en": "Blog: what the EU AI Act means for your data team",
        "what": "De AI-verordening is van kracht. Wat moet een datateam nu concreet anders doen? "
        "Fatima El Amrani zet het op een rij: van risicoklassen tot documentatie.",
        "who": "Fatima El Amrani",
        "fact": "Blog over de AI-verordening",
        "where": "Online",
        "path": "kennis/blog-ai-verordening-datateam",
    },
    {
        "key": "publication",
        "days": 28,
        "status": EMBARGO,
        "embargo": 28,
        "window": 45,
        "title": "Benchmark cloudkosten: 150 Nederlandse organisaties vergeleken",
        "title_en": "Cloud cost benchmark: 150 Dutch organisations compared",
        "what": "Voor onze jaarlijkse benchmark vergeleken we de cloudkosten van 150 Nederlandse "
        "organisaties. De grootste besparing zit niet in techniek, maar in afspraken. "
        "Onder embargo tot de publicatie in de vakpers.",
        "who": "Team Cloud",
        "fact": "Benchmark onder 150 organisaties",
        "where": "Online",
        "path": "kennis/benchmark-cloudkosten",
    },
    {
        "key": "learning",
        "days": -16,
        "status": PUB,
        "window": 30,
        "appeal": 0.75,
        "teams": ["Data & AI", "Cloud", "Software"],
        "title": "Twaalf collega's behaalden hun Azure Data Engineer-certificaat",
        "title_en": "Twelve colleagues earned their Azure Data Engineer certificate",
        "what": "Na acht weken studeren in studiegroepen op vrijdagmiddag hebben twaalf "
        "collega's het examen Azure Data Engineer gehaald. Het hele traject is door "
        "collega's zelf georganiseerd.",
        "who": "Twaalf collega's uit Data & AI, Cloud en Software",
        "fact": "Certificaat Azure Data Engineer Associate",
        "where": "Utrecht",
        "path": "nieuws/certificering-azure-data-engineer",
    },
    {
        "key": "learning",
        "days": -52,
        "status": PUB,
        "window": 30,
        "appeal": 0.8,
        "title": "Kennisdag: 60 collega's, 14 sessies en één hackathon",
        "title_en": "Knowledge day: 60 colleagues, 14 sessions and one hackathon",
        "what": "Op onze kennisdag gaven collega's elkaar 14 sessies, van toegankelijk "
        "ontwerpen tot onderhandelen. 's Middags bouwden vijf teams in een hackathon "
        "een prototype voor Zorggroep De Linde.",
        "who": "60 collega's uit alle teams",
        "fact": "Kennisdag met 14 sessies en een hackathon",
        "where": "Utrecht",
        "path": "nieuws/kennisdag",
    },
    {
        "key": "learning",
        "days": 12,
        "status": SUBMITTED,
        "submitter_team": "Data & AI",
        "title": "Masterclass prompt engineering voor alle collega's",
        "title_en": "A prompt engineering master class for all colleagues",
        "what": "Ik wil graag een masterclass prompt engineering geven voor alle collega's, ook "
        "buiten de techteams. Kunnen we dit ook extern laten zien, als voorbeeld van hoe "
        "we van elkaar leren?",
        "who": "Team Data & AI",
        "fact": "Masterclass van twee uur",
        "where": "Utrecht",
        "path": "nieuws/masterclass-prompt-engineering",
    },
]

HASHTAGS = {
    "project_delivery": ("#data #digitalisering", "#delivery #teamwork"),
    "client_visit": ("#klantbezoek #samenwerken", "#clientvisit"),
    "vacancy": ("#vacature #werkenbij #utrecht", "#hiring #jobs #utrecht"),
    "collaboration": ("#samenwerking #innovatie", "#partnership"),
    "event": ("#event #kennisdelen", "#event #community"),
    "milestone": ("#mijlpaal #trots", "#milestone"),
    "award": ("#award #trots", "#award #proud"),
    "new_colleague": ("#welkom #nieuwecollega", "#welcome #newcolleague"),
    "publication": ("#whitepaper #kennis", "#insights"),
    "learning": ("#leren #certificering", "#learning #certification"),
}

POST_TEMPLATES = {
    "nl": {
        "proud_result": [
            "Trots op wat we hebben neergezet: {title}. {fact}.\n\nLees er hier meer over: {url}",
            "Mooi nieuws van Van Dijk & Partners: {title}.\n\n{fact}. Meer weten? {url}",
        ],
        "thanks_team": [
            "Dank aan iedereen die hieraan heeft bijgedragen! {title}. Zonder {who_lc} was dit "
            "niet gelukt.\n\n{url}",
            "Wat een team. {title}: {fact_lc}.\n\nHet hele verhaal: {url}",
        ],
        "lesson_learned": [
            "Wat ik hiervan meeneem: de beste oplossingen begin je met goed luisteren. "
            "{title}.\n\n{url}",
            "{title}. Mijn belangrijkste les: samen met de mensen die het werk doen kom je het "
            "verst.\n\nLees meer: {url}",
        ],
        "behind_the_scenes": [
            "Een kijkje achter de schermen: {title}.\n\n{fact}. {url}",
            "Hoe dit tot stand kwam? {title}. Ik was erbij en deel het graag.\n\n{url}",
        ],
        "invitation": [
            "Ken jij iemand die hier perfect bij past? {title}. Delen wordt gewaardeerd!\n\n{url}",
            "{title}. Kom erbij, of stuur dit door naar iemand die je mist in ons team: {url}",
        ],
        "welcome": [
            "Welkom! {title}. Fijn dat je er bent, ik kijk uit naar de samenwerking.\n\n{url}",
            "{title}. Een warm welkom bij Van Dijk & Partners!\n\n{url}",
        ],
    },
    "en": {
        "proud_result": [
            "Proud of what we achieved: {title_en}.\n\nRead more here: {url}",
            "Great news from Van Dijk & Partners: {title_en}. Find out more: {url}",
        ],
        "thanks_team": [
            "Thank you to everyone who made this happen! {title_en}.\n\n{url}",
            "What a team. {title_en}. The whole story: {url}",
        ],
        "lesson_learned": [
            "What I take away from this: the best solutions start with listening. "
            "{title_en}.\n\n{url}",
            "{title_en}. My key lesson: work with the people who do the job.\n\nMore: {url}",
        ],
        "behind_the_scenes": [
            "A look behind the scenes: {title_en}.\n\n{url}",
            "How did this come about? {title_en}. I was there and happy to share.\n\n{url}",
        ],
        "invitation": [
            "Know someone who'd be a great fit? {title_en}. Sharing is appreciated!\n\n{url}",
            "{title_en}. Join us, or pass this on to someone we should meet: {url}",
        ],
        "welcome": [
            "Welcome aboard! {title_en}. Looking forward to working together.\n\n{url}",
            "{title_en}. A warm welcome to Van Dijk & Partners!\n\n{url}",
        ],
    },
}

HUMAN_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
]
HUMAN_AGENT_WEIGHTS = [30, 14, 26, 18, 5, 7]
BOT_AGENTS = [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.24.22.79 A",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
    "curl/8.5.0",
]
BOT_AGENT_WEIGHTS = [50, 12, 8, 10, 10, 6, 4]


# --- Loading ------------------------------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


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
    templates = POST_TEMPLATES[language].get(angle) or POST_TEMPLATES[language]["proud_result"]
    text = rng.choice(templates).format(
        title=spec["title"],
        title_en=spec["title_en"],
        fact=spec["fact"],
        fact_lc=spec["fact"][:1].lower() + spec["fact"][1:],
        who_lc=spec["who"][:1].lower() + spec["who"][1:],
        url=url,
    )
    tags = HASHTAGS[spec["key"]][0 if language == "nl" else 1]
    return f"{text}\n\n{tags}"


@transaction.atomic
def load_demo(
    *, scale: float = 1.0, log: Callable[[str], None] | None = None, now: datetime | None = None
) -> DemoSummary:
    """Create or refresh the demo organisation. `scale` shrinks the clicks (for tests only)."""
    say = log or (lambda _message: None)
    rng = random.Random(SEED)
    now = now or timezone.now()
    today = timezone.localdate(now)

    org, _ = Organisation.objects.update_or_create(
        slug=SLUG,
        defaults={
            "name": NAME,
            "default_language": Language.NL,
            "formal_tone": False,
            "linkedin_followers": COMPANY_FOLLOWERS,
        },
    )
    # The generated part is rebuilt from scratch; only this organisation's rows are deleted.
    Click.objects.filter(link__org=org).delete()
    Share.objects.filter(org=org).delete()
    TrackedLink.objects.filter(org=org).delete()
    Moment.objects.filter(org=org).delete()

    # People.
    people = _people(rng)
    _choose_sharers(people, rng)
    say(f"Loading people… {len(people)}")
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
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        profile = user.profile
        profile.language = person["language"]
        profile.expertise = person["expertise"]
        profile.barrier = person["barrier"]
        profile.consent_tracking = person["consent"]
        profile.onboarded_at = (
            now - timedelta(days=person["onboarded_days_ago"]) if person["onboarded"] else None
        )
        profile.save()
        if person.get("login"):
            user.set_password(PASSWORD)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
            mark_email_verified(user)  # demo logins sign in with a password at once
        users[person["email"]] = user
    # Demo people an earlier version of this loader generated, but this one doesn't, leave.
    Membership.objects.filter(org=org, user__email__endswith=f"@{DOMAIN}").exclude(
        user__email__in=list(users)
    ).delete()
    teams = {team.name: team for team in Team.objects.filter(org=org)}

    # Moments.
    sync_builtin_types()
    types = {t.key: t for t in MomentType.objects.filter(org=None)}
    lotte = users[f"lotte@{DOMAIN}"]
    moments: list[tuple[Moment, dict[str, Any]]] = []
    for spec in MOMENTS:
        happened = today + timedelta(days=spec["days"])
        status = spec["status"]
        author = lotte
        submitter = None
        if status == SUBMITTED:
            candidates = [
                p
                for p in people
                if p["team"] == spec["submitter_team"]
                and p["onboarded"]
                and p["role"] == Role.EMPLOYEE
                and p["email"] != f"sanne@{DOMAIN}"
            ]
            submitter = author = users[rng.choice(candidates)["email"]]
        start = _at(
            today + timedelta(days=spec.get("embargo", spec["days"])),
            10 if spec.get("embargo") == spec["days"] else 9,
        )
        until = start + timedelta(days=spec["window"]) if spec.get("window") else None
        published_at = None
        if status in (PUB, ARCHIVED):
            published_at = start - timedelta(hours=1)
        elif status == EMBARGO:
            published_at = now - timedelta(days=rng.randint(1, 3))
        moment = Moment(
            org=org,
            type=types[spec["key"]],
            title=spec["title"],
            what_happened=spec["what"],
            facts_who=spec["who"],
            facts_what=spec["fact"],
            facts_where=spec["where"],
            happened_on=happened,
            link=f"{SITE}/{spec['path']}",
            audience_everyone=not spec.get("teams"),
            shareable_from=start if status in (PUB, EMBARGO, ARCHIVED, DRAFT) else None,
            shareable_until=until if status in (PUB, EMBARGO, ARCHIVED, DRAFT) else None,
            client_name=spec.get("client", ""),
            client_may_be_named=spec.get("named", False),
            status={
                PUB: MomentStatus.PUBLISHED,
                EMBARGO: MomentStatus.PUBLISHED,
                DRAFT: MomentStatus.DRAFT,
                SUBMITTED: MomentStatus.SUBMITTED,
                ARCHIVED: MomentStatus.ARCHIVED,
            }[status],
            created_by=author,
            submitted_by=submitter,
            published_at=published_at,
        )
        moment.full_clean()
        moment.save()
        if spec.get("teams"):
            moment.audience_teams.set([teams[name] for name in spec["teams"]])
        created = min(now, _at(happened, 9) - timedelta(days=rng.randint(2, 10)))
        if status == SUBMITTED:
            created = now - timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 8))
        Moment.objects.filter(pk=moment.pk).update(created_at=created, updated_at=created)
        moments.append((moment, spec))
    say(f"Loading moments… {len(moments)}")

    # Shares: only published (or since archived) moments, inside their shareable window.
    history_start = now - timedelta(days=SHARE_HISTORY_DAYS)
    sharers = [p for p in people if p["sharer"]]
    planned: list[tuple[dict[str, Any], Moment, dict[str, Any], datetime]] = []
    for moment, spec in moments:
        if spec["status"] not in (PUB, ARCHIVED) or moment.shareable_from is None:
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

    shares: list[Share] = []
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
        share = Share(
            org=org,
            moment=moment,
            user=user,
            link=link,
            angle=angle,
            text=_post_text(rng, spec, person["language"], angle, url),
            post_url=(
                f"https://www.linkedin.com/feed/update/urn:li:activity:"
                f"{rng.randrange(7_200_000_000_000_000_000, 7_300_000_000_000_000_000)}/"
                if rng.random() < 0.8
                else ""
            ),
            shared_at=shared_at,
        )
        shares.append(share)
        share_rows.append((person, spec, share))
    Share.objects.bulk_create(shares, batch_size=500)
    links = list(TrackedLink.objects.filter(org=org))
    for link in links:
        link.created_at = link_first_use[link.pk] - timedelta(minutes=rng.randint(1, 20))
    TrackedLink.objects.bulk_update(links, ["created_at"], batch_size=500)
    say(f"Loading shares… {len(shares)} by {len({s.user_id for s in shares})} people")

    # Clicks: bigger networks, better moments and more recent shares bring more visitors.
    target = round(TARGET_CLICKS * scale)
    weights = []
    for person, spec, share in share_rows:
        age_days = (now - share.shared_at).total_seconds() / 86400
        maturity = 1 - math.exp(-age_days / 1.2)
        recency = 0.5 + (1 - min(age_days, SHARE_HISTORY_DAYS) / SHARE_HISTORY_DAYS)
        noise = rng.lognormvariate(0, 0.6)
        weights.append(
            _reach(person) ** 0.75 * spec.get("appeal", 0.8) * maturity * recency * noise
        )
    total_weight = sum(weights) or 1.0
    exact = [w / total_weight * target for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
    for index in by_remainder[: target - sum(counts)]:
        counts[index] += 1

    bot_agent = {agent: is_bot(agent) for agent in HUMAN_AGENTS + BOT_AGENTS}
    batch: list[Click] = []
    written = 0
    for (_person, _spec, share), count in zip(share_rows, counts, strict=True):
        visitors: list[tuple[str, str]] = []
        for _ in range(count):
            bot = rng.random() < BOT_FRACTION
            at = _click_time(rng, share.shared_at, now, bot)
            if bot:
                agent = rng.choices(BOT_AGENTS, weights=BOT_AGENT_WEIGHTS)[0]
                address = _fake_address(rng)
            elif visitors and rng.random() < 0.08:  # someone clicking twice
                address, agent = rng.choice(visitors)
            else:
                agent = rng.choices(HUMAN_AGENTS, weights=HUMAN_AGENT_WEIGHTS)[0]
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

    from zichtbaar.guideline.services import load_demo_check

    say("Loading the guideline, client register and confidential terms…")
    load_demo_check(org)
    from zichtbaar.surveys.services import load_demo_survey

    load_demo_survey(org)

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
