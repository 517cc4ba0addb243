"""Changing a draft survey's instrument: the organisation's own items and the order of items.

Every change bumps `Survey.version` (also kept in the instrument as `version`). Once a survey has
been opened its instrument is frozen: answers always belong to one version of the questions.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zichtbaar.surveys import itembank
from zichtbaar.surveys.models import ItemRole, Survey

OWN_CONSTRUCT = "own"
OWN_SCALE = "agree5"
OWN_PREFIX = "own_"
# The kinds of own item: a statement (agree 1-5, numeric), a yes/no question, one choice of a
# few options (its own response scale, coded 1..k, stored in the instrument under the item id).
KINDS = ("agree5", "yes_no", "choice")
MAX_OPTIONS = 12


def own_kind(item: dict[str, Any]) -> str | None:
    """agree5, yes_no or choice for an own item; None for the item bank's."""
    if item.get("construct") != OWN_CONSTRUCT:
        return None
    return "choice" if item["scale"] == item["id"] else item["scale"]


class InstrumentFrozen(Exception):
    """The survey is no longer a draft: its questions cannot change."""


def _editable(survey_id: int) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey_id)
    if survey.status != Survey.Status.DRAFT:
        raise InstrumentFrozen(survey.pk)
    return survey


def _save(survey: Survey) -> None:
    survey.version += 1
    survey.instrument = {**survey.instrument, "version": survey.version}
    survey.report_cache = {}
    survey.save(update_fields=["instrument", "version", "report_cache"])


def _next_own_id(instrument: dict[str, Any]) -> str:
    taken = {i["id"] for b in instrument.get("blocks", []) for i in b["items"]}
    n = 1
    while f"{OWN_PREFIX}{n}" in taken:
        n += 1
    return f"{OWN_PREFIX}{n}"


@transaction.atomic
def add_item(
    survey: Survey,
    *,
    block: str,
    text_en: str,
    text_nl: str,
    kind: str = OWN_SCALE,
    options_en: list[str] | None = None,
    options_nl: list[str] | None = None,
) -> str:
    """An item with the organisation's own text, at the end of `block`: a statement (agree
    1-5), a yes/no question or a choice between `options_en` (with `options_nl`, the same
    number, or the English ones)."""
    if kind not in KINDS:
        raise ValueError(kind)
    locked = _editable(survey.pk)
    instrument = locked.instrument
    target = next((b for b in instrument.get("blocks", []) if b["key"] == block), None)
    if target is None:
        raise KeyError(block)
    item_id = _next_own_id(instrument)
    scales = instrument.setdefault("response_scales", {})
    if kind == "choice":
        en = [o.strip() for o in options_en or [] if o.strip()]
        nl = [o.strip() for o in options_nl or [] if o.strip()] or en
        if not 2 <= len(en) <= MAX_OPTIONS or len(nl) != len(en):
            raise ValueError(options_en)
        scales[item_id] = {
            "type": "choice",
            "min": 1,
            "max": len(en),
            "labels": {"en": en, "nl": nl},
        }
        scale = item_id
    else:
        scales.setdefault(kind, itembank.load()["response_scales"][kind])
        scale = kind
    target["items"].append(
        {
            "id": item_id,
            "construct": OWN_CONSTRUCT,
            "scale": scale,
            "text": {"en": text_en.strip(), "nl": (text_nl or text_en).strip()},
        }
    )
    _save(locked)
    survey.refresh_from_db()
    return item_id


@transaction.atomic
def move_item(survey: Survey, item_id: str, direction: str) -> bool:
    """Move an item one place up or down within its block; False when it is already at the end."""
    locked = _editable(survey.pk)
    step = -1 if direction == "up" else 1
    for block in locked.instrument.get("blocks", []):
        ids = [i["id"] for i in block["items"]]
        if item_id not in ids:
            continue
        at = ids.index(item_id)
        to = at + step
        if not 0 <= to < len(ids):
            return False
        items = block["items"]
        items[at], items[to] = items[to], items[at]
        _save(locked)
        survey.refresh_from_db()
        return True
    raise KeyError(item_id)


@transaction.atomic
def remove_item(survey: Survey, item_id: str) -> None:
    """Remove one of the organisation's own items (the item bank's stay, as blocks)."""
    locked = _editable(survey.pk)
    for block in locked.instrument.get("blocks", []):
        for item in block["items"]:
            if item["id"] == item_id and item.get("construct") == OWN_CONSTRUCT:
                block["items"].remove(item)
                if item["scale"] == item_id:
                    locked.instrument.get("response_scales", {}).pop(item_id, None)
                ItemRole.objects.filter(survey=locked, item_id=item_id).delete()
                _save(locked)
                survey.refresh_from_db()
                return
    raise KeyError(item_id)
