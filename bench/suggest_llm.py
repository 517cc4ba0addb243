"""The language-model writer's own cost: ``python bench/suggest_llm.py [--requests 200]``.

Writes drafts with the template writer and with the language-model writer against the fake
OpenAI-compatible server from the tests (tests/fakes/llm_server.py) on 127.0.0.1, which answers
at once. So the difference is what the writer adds around a model: building the prompt (with
personal data masked), one HTTP round trip over loopback, parsing the answer, the guideline check
on every draft and the invariants. A real model adds its own generation time on top.

It prints drafts per second for both and the overhead per draft in milliseconds. The number of
requests is bounded (``--requests``, at most 1,000) and they only go to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zichtbaar.settings")
os.environ.setdefault("ZICHTBAAR_OFFLINE", "1")  # no SECRET_KEY needed: nothing is served

import django

django.setup()

from django.conf import settings

from tests.fakes.llm_server import FakeLLM
from zichtbaar.compose import llm
from zichtbaar.compose.suggestions import DraftContext, TemplateWriter

COUNT = 3  # drafts per request, as the compose page asks
TYPES = ["project_delivery", "client_visit", "vacancy", "event", "milestone", "learning"]
STORIES = [
    "Na acht maanden bouwen staat het nieuwe planningssysteem live. Planners zijn er blij mee.",
    "After eight months of building, the new planning system is live.\n\nPlanners love it.",
    "Een langere beschrijving van wat er in het project gebeurde, met veel details. " * 20,
]


def contexts(n: int) -> list[DraftContext]:
    return [
        DraftContext(
            moment_id=i // 5,
            moment_type=TYPES[i % len(TYPES)],
            title=f"Moment {i}: nieuw klantportaal live",
            what_happened=STORIES[i % len(STORIES)],
            facts_who="het platformteam",
            facts_what="een planningssysteem",
            facts_where="Utrecht",
            client_name="Zorggroep Horizon",
            client_may_be_named=bool(i % 2),
            link=f"https://zichtbaar.example/l/{i:06d}",
            person_id=i,
            person_first_name="Sam",
            job_title="data engineer",
            language="nl" if i % 2 else "en",
            formal=bool((i // 2) % 2),
        )
        for i in range(n)
    ]


def rate(writer, batch: list[DraftContext]) -> tuple[float, int, list]:
    start = time.perf_counter()
    drafts = [d for ctx in batch for d in writer.suggest(ctx, COUNT)]
    return time.perf_counter() - start, len(drafts), drafts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="model requests (max 1000)")
    args = parser.parse_args()
    requests = max(1, min(args.requests, 1000))
    logging.getLogger("zichtbaar.compose.llm").setLevel(logging.ERROR)
    batch = contexts(requests)

    rate(TemplateWriter(), batch[:20])  # warm the data files and caches
    template_time, template_drafts, _ = rate(TemplateWriter(), batch)

    with FakeLLM() as server:
        url = server.url
        assert urlsplit(url).hostname == "127.0.0.1"
        settings.ZICHTBAAR_LLM_BASE_URL = url
        settings.ZICHTBAAR_LLM_API_KEY_FILE = ""
        llm.reset_breaker()
        writer = llm.LanguageModelWriter()
        llm_time, llm_drafts, drafts = rate(writer, batch)
        sent = len(server.requests)
    from_model = sum(
        "Taalmodel-concept" in d.text or "Language model draft" in d.text for d in drafts
    )

    per_template = template_time / template_drafts
    per_llm = llm_time / llm_drafts
    print(f"requests: {requests} x {COUNT} drafts, {sent} sent to {url}")
    print(f"template writer:       {template_drafts / template_time:10,.0f} drafts/s")
    print(
        f"language-model writer: {llm_drafts / llm_time:10,.0f} drafts/s "
        f"({from_model} of {llm_drafts} drafts from the model)"
    )
    print(f"overhead per draft:    {(per_llm - per_template) * 1000:10.3f} ms")
    print(f"per request:           {llm_time / requests * 1000:10.3f} ms")


if __name__ == "__main__":
    main()
