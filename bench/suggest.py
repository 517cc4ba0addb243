"""Benchmark the template suggestion engine: ``python bench/suggest.py``.

Builds about 2,000 varied contexts (all moment types, both languages and tones, empty and long
facts) and times how fast drafts are written. No Django setup needed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zichtbaar.compose.suggestions import TemplateWriter, DraftContext, load_drafts  # noqa: I001

CONTEXTS = 2000
RUNS = 5
TYPES = [
    "project_delivery",
    "client_visit",
    "vacancy",
    "collaboration",
    "event",
    "milestone",
    "award",
    "new_colleague",
    "publication",
    "learning",
    "something_else",
]
TITLES = ["Nieuw klantportaal live", "Data Drinks Utrecht", "Vacature: medior data engineer", ""]
STORIES = [
    "",
    "Na acht maanden bouwen staat het nieuwe planningssysteem live. Planners zijn er blij mee.",
    "After eight months of building, the new planning system is live.\n\nPlanners love it. 🎉",
    "Een lange beschrijving van wat er allemaal gebeurde in het project, met café-bezoekjes. "
    * 120,
]
WHO = ["", "het platformteam", "Anna, Bram en Chris", "the design team"]
WHAT = ["", "een planningssysteem dat roosters automatisch opstelt", "a faster checkout"]
WHERE = ["", "Utrecht", "bij de klant in Zwolle", "at our office in Leeds"]
ROLES = ["", "data engineer", "engineer", "UX designer", "consultant"]
EXPERTISE = [
    (),
    ("data",),
    ("cloud computing", "security"),
    ("Data", "data", "AI", "machine-learning"),
]


def build_contexts(n: int) -> list[DraftContext]:
    contexts = []
    for i in range(n):
        contexts.append(
            DraftContext(
                moment_id=i // 7,
                moment_type=TYPES[i % len(TYPES)],
                title=TITLES[i % len(TITLES)],
                what_happened=STORIES[i % len(STORIES)],
                facts_who=WHO[i % len(WHO)],
                facts_what=WHAT[i % len(WHAT)],
                facts_where=WHERE[(i // 3) % len(WHERE)],
                client_name="Zorggroep Horizon" if i % 5 else "",
                client_may_be_named=bool(i % 2),
                link=f"https://zichtbaar.example/l/{i:06d}" if i % 9 else "",
                person_id=i,
                person_first_name="Sam",
                job_title=ROLES[i % len(ROLES)],
                expertise=EXPERTISE[i % len(EXPERTISE)],
                team_name="Platform" if i % 3 else "",
                language="nl" if i % 2 else "en",
                formal=bool((i // 2) % 2),
                org_name="Acme" if i % 4 else "",
            )
        )
    return contexts


def main() -> None:
    contexts = build_contexts(CONTEXTS)
    writer = TemplateWriter()
    load_drafts("nl"), load_drafts("en")  # measure writing, not YAML parsing
    best = float("inf")
    drafts = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        drafts = sum(len(writer.suggest(ctx, 3)) for ctx in contexts)
        best = min(best, time.perf_counter() - start)
    print(f"contexts per run:      {len(contexts)}")
    print(f"suggestions per run:   {drafts}")
    print(f"runs:                  {RUNS} (best run reported)")
    print(f"best run:              {best:.3f} s")
    print(f"contexts per second:   {len(contexts) / best:,.0f}")
    print(f"suggestions per second:{drafts / best:,.0f}")


if __name__ == "__main__":
    main()
