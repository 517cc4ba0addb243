"""Benchmark: a full survey report (validation, statistics with bootstrap) for 281 and 100,000
responses, plus the time of each output format.

Run with `.venv/bin/python bench/survey.py`. Goals (issue 6): the full report with bootstrap in
at most 3 s for 281 responses and 30 s for 100,000, on 2 cores. Imports (statsmodels, WeasyPrint)
are warmed up first and not counted; each figure is the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zichtbaar.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")  # the analysis signs nothing
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import django

django.setup()

from zichtbaar.surveys import generator, reports, study
from zichtbaar.surveys.mapping import parse_mapping, prepare

ARGS = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ARGS.add_argument("--repeat", type=int, default=3)
ARGS.add_argument("--sizes", default="281,100000")
OPTIONS = ARGS.parse_args()
GOALS = {281: 3.0, 100_000: 30.0}


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    # warm-up: imports and the first statsmodels/matplotlib/WeasyPrint call
    warm = generator.generate(n=60, seed=1)
    warm_prepared = prepare(warm.frame, parse_mapping(warm.mapping))
    warm_report = study.analyse(warm_prepared)
    reports.render_pdf(warm_report, warm_prepared.mapping, "en")
    print(f"cores: {os.cpu_count()}")
    for n in [int(s) for s in OPTIONS.sizes.split(",")]:
        demo = generator.generate(n=n, seed=281)
        frame = generator.to_csv_frame(demo.frame).fillna("")  # text, as a CSV export
        mapping = parse_mapping(demo.mapping)
        repeat = OPTIONS.repeat if n <= 10_000 else 1

        def full(frame=frame, mapping=mapping) -> dict:
            return study.analyse(prepare(frame, mapping), seed=1)

        seconds, report = best(full, repeat)
        assert isinstance(report, dict)
        goal = GOALS.get(n)
        verdict = ""
        if goal is not None:
            verdict = f" (goal <= {goal:.0f} s: {'met' if seconds <= goal else 'NOT met'})"
        ri = report["relative_importance"]
        print(
            f"n={n:>7,}: full report with {ri['n_boot']:,} bootstrap resamples in {seconds:.2f} s"
            f"{verdict}; willing {study.fmt_pct_ci(report['willing']['share'], report['willing']['ci'])}, "
            f"biggest predictor {report['biggest_predictor']}"
        )
        prepared = prepare(frame, mapping)
        with tempfile.TemporaryDirectory() as tmp:
            parts = []
            for fmt in reports.FORMATS:
                started = time.perf_counter()
                reports.write(fmt, report, prepared, "en", Path(tmp), "r")
                s = time.perf_counter() - started
                parts.append(f"{fmt} {s:.2f} s")
            print(f"           outputs: {', '.join(parts)}")


if __name__ == "__main__":
    main()
