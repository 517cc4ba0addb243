"""A corpus of hostile values and the checks for the places they end up (security issue 10).

Each check returns a list of problems (empty when the value is harmless there), so a sweep can
say exactly which value broke which page, export, e-mail or chat message.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

# Values a person can type into any text field. Keys name them in test ids and messages.
CORPUS: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "js_link": '[click](javascript:alert(1)) <a href="javascript:alert(1)">x</a>',
    "formula_hyperlink": '=HYPERLINK("http://evil.example","x")',
    "formula_dde": "+1+cmd|' /C calc'!A0",
    "formula_minus": "-2+3",
    "formula_at": "@SUM(A1)",
    "formula_tab": "\t=1+1",
    "slack_mention": "<!channel> <@U0123>",
    "slack_link": "<https://evil.example|click>",
    "mrkdwn": "*bold* _it_ ~s~ `code`",
    "markdown_link": "[x](https://evil.example)",
    "mathtext": "Sales $\\frac$ EMEA",
    "nul": "a\x00b",
    "rtl_override": "invoice\u202egnp.exe",
    "combining_emoji": "Z\u0337\u031b\u0349a\u0338l\u0335g\u0336o 👩\u200d👩\u200d👧\u200d👦 🇳🇱",
    "crlf": "x\r\nBcc: evil@evil.example\r\nATTENDEE:mailto:evil@evil.example",
    "long_word": "Supercalifragilistic" * 30,  # 600 characters without a space
}

MEGABYTE = "hostile " * 131_072  # 1 MiB of text

# Bytes that are not UTF-8 (a lone surrogate can't be in a Python str, but it can be in a body).
BAD_UTF8 = b"\xff\xfe\xed\xa0\x80\xc3("

DANGEROUS_CELL_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Markup that must never reach a browser as markup.
_LIVE_MARKUP = ["<script>alert(1)", "<img src=x onerror"]
# A link to javascript: inside a real tag (in text, `href="javascript:` is harmless).
_JS_LINK = re.compile(r"""<[a-z][^<>]*\bhref\s*=\s*["']?\s*javascript:""", re.I)


def html_problems(html: str, value: str) -> list[str]:
    """The value is in the page only as text: escaped, never as live markup."""
    problems = [f"live markup {m!r}" for m in _LIVE_MARKUP if m in html and m in value]
    if "javascript:" in value and _JS_LINK.search(html):
        problems.append("a javascript: link")
    if "<" in value and value.strip() and value.strip() in html:
        problems.append("the value appears unescaped")
    return problems


def text_lines_problems(text: str, value: str) -> list[str]:
    """Plain text (an e-mail subject, a header): a value never adds a line of its own."""
    if "\r\n" in value and "Bcc: evil@evil.example" in text.splitlines():
        return ["the value added a line (header injection)"]
    return []


def ics_problems(ics: str) -> list[str]:
    """A calendar feed: a value never becomes a property of its own."""
    unfolded = re.sub(r"\r?\n[ \t]", "", ics)
    return [
        f"injected property {line!r}"
        for line in unfolded.splitlines()
        if line.upper().startswith(("ATTENDEE:", "BCC:"))
    ]


def cell_problems(cells: list[Any], where: str) -> list[str]:
    return [
        f"{where}: cell {c!r} starts like a formula"
        for c in cells
        if isinstance(c, str) and c.startswith(DANGEROUS_CELL_STARTS)
    ]


def csv_problems(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    return cell_problems(cells, "CSV")


def xlsx_problems(content: bytes) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    problems = [f"XLSX: {c.coordinate} is a formula" for c in cells if c.data_type == "f"]
    return problems + cell_problems([c.value for c in cells], "XLSX")


def slack_problems(body: dict[str, Any]) -> list[str]:
    """No mention, link or formatting from user text in a Slack message."""
    texts = [body["text"], body["blocks"][0]["text"]["text"]]
    problems = []
    for text in texts:
        # the only `<...>` allowed is none at all: URLs go in the button, not in the text
        for token in ("<!", "<@", "<http", "|click>"):
            if token in text:
                problems.append(f"Slack text has {token!r}")
        for marked in ("*bold*", "_it_", "~s~", "`code`"):
            if marked in text:
                problems.append(f"Slack text formats {marked!r}")
    return problems


def teams_problems(body: dict[str, Any]) -> list[str]:
    """No link, mention or formatting from user text in a Teams card."""
    problems = []
    for block in body["attachments"][0]["content"]["body"]:
        value = block.get("text")
        if not isinstance(value, str):
            continue
        if re.search(r"(?<!\\)\]\((?!\\)", value) or "<at>" in value:
            problems.append(f"Teams text makes a link or mention: {value[:80]!r}")
        if re.search(r"(?<!\\)\*\*?bold", value):
            problems.append(f"Teams text formats: {value[:80]!r}")
    return problems
