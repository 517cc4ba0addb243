"""The project's own item bank (CC0, Dutch and English): `items.yaml` in this folder."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

PATH = Path(__file__).with_name("items.yaml")
LANGUAGES = ("en", "nl")


@cache
def load() -> dict[str, Any]:
    with PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def items() -> dict[str, dict[str, Any]]:
    """The items by id."""
    return {item["id"]: item for item in load()["items"]}


def item_text(item_id: str, lang: str) -> str | None:
    item = items().get(item_id)
    return item["text"].get(lang, item["text"]["en"]) if item else None


def barrier_label(key: str, lang: str) -> str | None:
    """The text of a barrier by its key (relevance, permission, value, time, ...)."""
    for item in load()["items"]:
        if item.get("barrier") == key:
            return item["text"].get(lang, item["text"]["en"])
    return None


def scale_labels(scale: str, lang: str) -> list[str]:
    spec = load()["response_scales"].get(scale, {})
    return list(spec.get("labels", {}).get(lang, []))
