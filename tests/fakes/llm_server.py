"""A fake OpenAI-compatible chat server on 127.0.0.1, for the language-model writer.

    with FakeLLM() as llm:            # a threaded http.server on a free port
        llm.url                       # "http://127.0.0.1:<port>/v1"
        llm.script("500", "slow")     # the next requests' behaviours, in order
        llm.default = "normal"        # afterwards (and without a script)
        llm.requests                  # every request: path, headers, body, system, user

Behaviours (one per request):
- ``normal``: drafts built from the prompt (the writer's user message is JSON): one per angle
  asked for, in the language asked for, each naming its angle; a translation request gets every
  value back prefixed with ``[en]`` or ``[nl]``.
- ``fenced``: the same answer inside a ```json block with prose around it.
- ``slow``: the normal answer after ``slow_seconds`` (beyond the writer's timeout).
- ``429`` / ``500``: that status with an OpenAI-style error body.
- ``garbage``: a 200 that is not JSON at all; ``prose``: a chat completion whose content is
  prose, not JSON; ``empty``: a chat completion without choices.
- ``bsn``: the normal drafts, but the first one leaks the (valid, eleven-proof) BSN 111222333.
- ``client``: the normal drafts, but the first one names ``client_name`` (set by the test).
- ``long``: the normal drafts, but the first one is far longer than a LinkedIn post.
- ``translate_missing``: a translation without the title.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LEAKED_BSN = "111222333"

_DRAFT_TEXTS = {
    "nl": (
        "Taalmodel-concept ({angle}): ik ben trots op {title}. "
        "Het was een mooie week en ik deel het graag met jullie."
    ),
    "en": (
        "Language model draft ({angle}): I am proud of {title}. "
        "It was a good week and I am happy to share it with you."
    ),
}


class FakeLLM:
    def __init__(self, slow_seconds: float = 2.5) -> None:
        self.default = "normal"
        self.slow_seconds = slow_seconds
        self.client_name = ""
        self.requests: list[dict[str, Any]] = []
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # control ---------------------------------------------------------------------------------
    def script(self, *behaviours: str) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def _next(self) -> str:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeLLM:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                fake._handle(self, raw)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # answering -------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, raw: bytes) -> None:
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        messages = body.get("messages", []) if isinstance(body, dict) else []
        record = {
            "path": handler.path,
            "headers": dict(handler.headers.items()),
            "body": body,
            "system": next((m["content"] for m in messages if m.get("role") == "system"), ""),
            "user": next((m["content"] for m in messages if m.get("role") == "user"), ""),
        }
        with self._lock:
            self.requests.append(record)
        behaviour = self._next()
        if handler.path.rstrip("/") != "/v1/chat/completions":
            return self._send(handler, 404, {"error": {"message": "not found"}})
        if behaviour in {"429", "500"}:
            return self._send(handler, int(behaviour), {"error": {"message": "nope"}})
        if behaviour == "garbage":
            return self._send_raw(handler, 200, b"<html>Bad gateway, sort of</html>", "text/html")
        if behaviour == "empty":
            return self._send(handler, 200, {"id": "x", "object": "chat.completion", "choices": []})
        if behaviour == "slow":
            time.sleep(self.slow_seconds)
        content = self._content(record, behaviour)
        return self._send(
            handler,
            200,
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "model": (body or {}).get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
            },
        )

    def _content(self, record: dict[str, Any], behaviour: str) -> str:
        if behaviour == "prose":
            return "Sure! Here are some lovely drafts for you, no JSON today."
        try:
            prompt = json.loads(record["user"])
        except ValueError:
            prompt = {}
        if not isinstance(prompt, dict) or prompt.get("task") != "drafts":
            prompt = prompt if isinstance(prompt, dict) else {}
            answer: Any = self._translation(prompt, record["system"], behaviour)
        else:
            answer = {"drafts": self._drafts(prompt, behaviour)}
        text = json.dumps(answer, ensure_ascii=False)
        if behaviour == "fenced":
            return f"Here you go:\n\n```json\n{text}\n```\n\nLet me know if you want changes."
        return text

    def _drafts(self, prompt: dict[str, Any], behaviour: str) -> list[dict[str, str]]:
        language = prompt.get("language", "en")
        title = prompt.get("moment", {}).get("title", "")
        drafts = []
        for i, item in enumerate(prompt.get("angles", [])):
            text = _DRAFT_TEXTS.get(language, _DRAFT_TEXTS["en"]).format(
                angle=item["angle"], title=title
            )
            if i == 0 and behaviour == "bsn":
                text += f" Mijn BSN is {LEAKED_BSN}, mocht je dat willen weten."
            if i == 0 and behaviour == "client":
                text += f" Met dank aan {self.client_name}."
            if i == 0 and behaviour == "long":
                text = " ".join([text] * 60)
            # Models add sign-offs and hashtags although asked not to; the writer removes them.
            sign_off = prompt.get("voice", {}).get("sign_off")
            if sign_off:
                text += f"\n\n{sign_off}"
            text += "\n\n#Model #Draft"
            drafts.append({"angle": item["angle"], "text": text})
        return drafts

    def _translation(self, prompt: dict[str, Any], system: str, behaviour: str) -> dict[str, str]:
        marker = "[en]" if "to English" in system else "[nl]"
        out = {key: f"{marker} {value}" for key, value in prompt.items()}
        if behaviour == "translate_missing":
            out.pop("title", None)
        return out

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, data: Any) -> None:
        FakeLLM._send_raw(handler, status, json.dumps(data).encode("utf-8"), "application/json")

    @staticmethod
    def _send_raw(handler: BaseHTTPRequestHandler, status: int, raw: bytes, kind: str) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(raw)))
            handler.end_headers()
            handler.wfile.write(raw)
        except OSError:  # the client gave up (the slow case)
            pass
