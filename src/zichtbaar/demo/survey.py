"""The demo organisation's closed survey: the generator's 281 respondents (the seed's study)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from zichtbaar.orgs.models import Organisation
from zichtbaar.surveys import generator, services
from zichtbaar.surveys.models import Response, Survey


@transaction.atomic
def load_demo_survey(org: Organisation) -> Survey:
    """A closed survey with the generator's 281 respondents (the seed's study)."""
    lang = org.default_language if org.default_language in ("en", "nl") else "en"
    data = generator.generate(lang=lang)
    frame = data.frame
    teams = sorted({t for t in frame["team"].dropna()})
    now = timezone.now()
    survey = Survey.objects.create(
        org=org,
        title_en=data.mapping["title"]["en"],
        title_nl=data.mapping["title"]["nl"],
        instrument=services.build_instrument(list(services.BLOCKS), org.name, teams),
        status=Survey.Status.CLOSED,
        closes_at=now - dt.timedelta(days=14),
        created_at=now - dt.timedelta(days=42),
    )
    tenure_codes = {label: i + 1 for i, label in enumerate(generator.TENURE[lang])}
    columns = set(services.items_of(survey))
    responses = []
    for record in frame.to_dict("records"):
        answers: dict[str, Any] = {}
        for col, value in record.items():
            if col not in columns or value is None or pd.isna(value):
                continue
            if col == "tenure":
                answers[col] = tenure_codes[value]
            elif isinstance(value, float):
                answers[col] = int(value)
            else:
                answers[col] = str(value)
        responses.append(
            Response(
                survey=survey,
                completed=True,
                answers=answers,
                page=len(survey.blocks),
                created=(now - dt.timedelta(days=40)).date(),
                source=Response.Source.IMPORT,  # generated data, not collected by the link
            )
        )
    Response.objects.bulk_create(responses)
    return survey
