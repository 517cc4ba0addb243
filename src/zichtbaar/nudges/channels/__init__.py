"""One client module per external system. Each raises `Permanent` or `Retry`."""

from __future__ import annotations


class ChannelError(Exception):
    """A message could not be delivered; `reason` is readable for comms."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Permanent(ChannelError):
    """Trying again will not help (a rejected address, a removed webhook)."""


class Retry(ChannelError):
    """Temporary: try again later; `retry_after` (seconds) when the other side said when."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
