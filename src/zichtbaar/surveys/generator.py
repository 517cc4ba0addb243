"""Demo survey data with the seed's shape (pure, no Django).

The seed (a survey of 281 employees) reports: 76% willing to share about the employer; three
practical barriers on top (not knowing what is relevant, doubting whether it is allowed or
appreciated, underestimating the value of one's own post); engagement the biggest predictor of
willingness, more than attitude to the employer's brand. This generator reproduces that shape
with chosen, documented effect sizes (see docs/research.md, "Demo data"):

Latent variables, standard normal, correlated:
    corr(engagement, brand attitude) = 0.45, corr(engagement, LinkedIn use) = 0.15,
    corr(brand attitude, LinkedIn use) = 0.10.
Willingness (latent) = 0.55 engagement + 0.15 brand attitude + 0.20 LinkedIn use + noise with
    variance 0.52, so the latent willingness has variance about 1 and R-squared about 0.48.
Observed items (the item bank's ids as column names):
    engagement: 9 Likert items (1-5), standardised loadings 0.70-0.80 on engagement;
    brand attitude: 4 semantic-differential items (1-7), loadings 0.75-0.85;
    linkedin_use: one ordinal item (1-5) cut from LinkedIn use;
    willing_likert: 1-5, cut from latent willingness at the 5/14/32/72 percentiles;
    willing_yes: exactly round(0.76 n) people answer yes: those with the highest latent
    willingness plus independent noise (sd 0.6), so the share is the seed's 76% by construction.
Barriers: each ticked with base rates relevance 0.54, permission 0.45, value 0.39, time 0.27,
    private 0.21, self_promotion 0.18, linkedin_skills 0.14, reactions 0.10, shifted by -0.3
    logit per sd of latent willingness (people less willing name more barriers).
Teams: eight teams of which "Legal" holds exactly 3 people, so the report shows suppression.
About 2% of item answers are missing at random; a few people skip the team question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SEED_N = 281
WILLING_SHARE = 0.76

LATENT_CORR = np.array(
    [
        [1.00, 0.45, 0.15],
        [0.45, 1.00, 0.10],
        [0.15, 0.10, 1.00],
    ]
)
WILLINGNESS_WEIGHTS = np.array([0.55, 0.15, 0.20])  # engagement, brand attitude, LinkedIn use
WILLINGNESS_NOISE_VAR = 0.52
ENGAGEMENT_ITEMS = [
    "eng_vig1",
    "eng_vig2",
    "eng_vig3",
    "eng_ded1",
    "eng_ded2",
    "eng_ded3",
    "eng_abs1",
    "eng_abs2",
    "eng_abs3",
]
ENGAGEMENT_LOADINGS = [0.78, 0.72, 0.70, 0.80, 0.79, 0.74, 0.70, 0.71, 0.75]
BRAND_ITEMS = ["brand_good", "brand_attractive", "brand_trustworthy", "brand_distinctive"]
BRAND_LOADINGS = [0.85, 0.82, 0.80, 0.75]
BARRIER_RATES = {
    "relevance": 0.54,
    "permission": 0.45,
    "value": 0.39,
    "time": 0.27,
    "private": 0.21,
    "self_promotion": 0.18,
    "linkedin_skills": 0.14,
    "reactions": 0.10,
}
BARRIER_SLOPE = -0.3
TEAMS = {
    "Engineering": 0.27,
    "Sales": 0.17,
    "Customer service": 0.16,
    "Marketing": 0.12,
    "Operations": 0.11,
    "Finance": 0.09,
    "HR": 0.08,
}
LEGAL_TEAM_SIZE = 3
TENURE = {
    "en": [
        "Less than 1 year",
        "1 to 2 years",
        "3 to 5 years",
        "6 to 10 years",
        "More than 10 years",
    ],
    "nl": [
        "Korter dan 1 jaar",
        "1 tot 2 jaar",
        "3 tot 5 jaar",
        "6 tot 10 jaar",
        "Langer dan 10 jaar",
    ],
}
TEAM_NAMES_NL = {
    "Engineering": "Engineering",
    "Sales": "Verkoop",
    "Customer service": "Klantenservice",
    "Marketing": "Marketing",
    "Operations": "Operations",
    "Finance": "Financiën",
    "HR": "HR",
    "Legal": "Juridisch",
}
TENURE_SHARES = [0.12, 0.2, 0.3, 0.22, 0.16]
MISSING_RATE = 0.02
COMMENT_RATE = 0.09
COMMENTS = {
    "en": [
        "I never know which news I am allowed to share before it is official.",
        "A few example posts per month would help me a lot.",
        "I'd share more if it didn't feel like advertising.",
        "My clients are on LinkedIn, so it makes sense for me.",
        "Please don't turn this into a target.",
        "I don't think my 80 connections make any difference.",
        "Tell us when something is worth sharing, e.g. a project delivery.",
        "I like sharing when our team is in the picture, not the logo.",
        "Time is the issue, it has to take five minutes at most.",
        "A short workshop on LinkedIn would help.",
        "I share vacancies, that feels useful.",
        "I'm worried about reactions from clients.",
    ],
    "nl": [
        "Ik weet nooit welk nieuws ik mag delen voordat het officieel is.",
        "Een paar voorbeeldberichten per maand zouden me enorm helpen.",
        "Ik zou meer delen als het niet als reclame voelde.",
        "Mijn klanten zitten op LinkedIn, dus voor mij is het logisch.",
        "Maak er alsjeblieft geen target van.",
        "Ik denk niet dat mijn 80 connecties verschil maken.",
        "Laat ons weten wanneer iets de moeite waard is, zoals een projectoplevering.",
        "Ik deel graag als ons team in beeld is, niet het logo.",
        "Tijd is het probleem, het mag hooguit vijf minuten kosten.",
        "Een korte workshop over LinkedIn zou helpen.",
        "Vacatures deel ik wel, dat voelt nuttig.",
        "Ik maak me zorgen over reacties van klanten.",
    ],
}


@dataclass(frozen=True)
class DemoData:
    frame: pd.DataFrame
    mapping: dict[str, Any]


def _likert(latent: np.ndarray, cuts: list[float]) -> np.ndarray:
    return (np.searchsorted(np.asarray(cuts), latent) + 1).astype(float)


def demo_mapping(lang: str = "en") -> dict[str, Any]:
    return {
        "title": {
            "en": "Sharing about our work: survey of employees",
            "nl": "Delen over ons werk: onderzoek onder medewerkers",
        },
        "organisation": "Van Dijk & Partners",
        "willingness": {
            "likert": {"column": "willing_likert", "min": 1, "max": 5},
            "yes_no": {"column": "willing_yes", "yes": [1, "yes", "ja"]},
        },
        "scales": {
            "engagement": list(ENGAGEMENT_ITEMS),
            "brand_attitude": list(BRAND_ITEMS),
            "linkedin_use": ["linkedin_use"],
        },
        "barriers": {key: f"barrier_{key}" for key in BARRIER_RATES},
        "segments": ["team", "tenure"],
        "comments": "comment",
    }


def generate(n: int = SEED_N, seed: int = 281, lang: str = "en") -> DemoData:
    """n respondents with the seed's shape; the same seed gives the same data."""
    rng = np.random.default_rng(seed)
    latent = rng.multivariate_normal(np.zeros(3), LATENT_CORR, size=n)
    eng, brand, use = latent.T
    willing = latent @ WILLINGNESS_WEIGHTS + rng.normal(0, np.sqrt(WILLINGNESS_NOISE_VAR), n)
    cols: dict[str, np.ndarray] = {}

    for name, lam in zip(ENGAGEMENT_ITEMS, ENGAGEMENT_LOADINGS, strict=True):
        x = lam * eng + np.sqrt(1 - lam**2) * rng.normal(size=n)
        cols[name] = _likert(x, [-2.0, -1.2, -0.3, 0.9])
    for name, lam in zip(BRAND_ITEMS, BRAND_LOADINGS, strict=True):
        x = lam * brand + np.sqrt(1 - lam**2) * rng.normal(size=n)
        cols[name] = _likert(x, [-2.3, -1.7, -1.0, -0.3, 0.5, 1.4])
    cols["linkedin_use"] = _likert(use, [-1.28, -0.52, 0.13, 1.04])
    network = 0.6 * use + 0.8 * rng.normal(size=n)
    cols["network_band"] = _likert(network, [-1.55, -0.6, 0.5, 1.3])

    cuts = list(np.quantile(willing, [0.05, 0.14, 0.32, 0.72]))
    cols["willing_likert"] = _likert(willing, cuts)
    yes_score = willing + rng.normal(0, 0.6, n)
    k_yes = round(WILLING_SHARE * n)
    yes = np.zeros(n)
    yes[np.argsort(-yes_score)[:k_yes]] = 1.0
    cols["willing_yes"] = yes

    z = (willing - willing.mean()) / willing.std()
    for key, rate in BARRIER_RATES.items():
        logit = np.log(rate / (1 - rate)) + BARRIER_SLOPE * z
        cols[f"barrier_{key}"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)

    frame = pd.DataFrame(cols)
    for name in [*ENGAGEMENT_ITEMS, *BRAND_ITEMS, "linkedin_use", "willing_likert"]:
        gone = rng.random(n) < MISSING_RATE
        frame.loc[gone, name] = np.nan

    names = list(TEAMS)
    probs = np.array(list(TEAMS.values()))
    teams = rng.choice(names, size=n, p=probs / probs.sum()).astype(object)
    legal = rng.choice(n, size=min(LEGAL_TEAM_SIZE, n), replace=False)
    teams[legal] = "Legal"
    skip = rng.choice(np.setdiff1d(np.arange(n), legal), size=min(6, n // 40), replace=False)
    teams[skip] = None
    if lang == "nl":
        teams = np.array([TEAM_NAMES_NL.get(t, t) if t else t for t in teams], dtype=object)
    frame.insert(0, "team", teams)
    frame.insert(1, "tenure", rng.choice(TENURE[lang], size=n, p=TENURE_SHARES))

    comments = np.full(n, None, dtype=object)
    writers = np.flatnonzero(rng.random(n) < COMMENT_RATE)
    bank = COMMENTS[lang]
    comments[writers] = [bank[i % len(bank)] for i in rng.permutation(len(writers))]
    frame["comment"] = comments
    frame.insert(0, "respondent", [f"R{i + 1:05d}" for i in range(n)])
    return DemoData(frame=frame, mapping=demo_mapping(lang))


def to_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole numbers without '.0', as a form export would have them."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype.kind == "f":
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    return out
