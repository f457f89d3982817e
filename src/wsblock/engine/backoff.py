"""The delays between reconnect attempts: capped exponential backoff."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delay before reconnect attempt *n* is ``initial * factor ** (n - 1)``, at most ``maximum``.

    With the defaults: 0.5 s, 1 s, 2 s, 4 s ... 16 s, then 30 s for every attempt after.
    The count starts again after a connection succeeds.
    """

    initial: float = 0.5
    factor: float = 2.0
    maximum: float = 30.0

    def __post_init__(self) -> None:
        if self.initial < 0 or self.maximum < 0 or self.factor < 1:
            raise ValueError("backoff needs initial >= 0, maximum >= 0 and factor >= 1")

    def delay(self, attempt: int) -> float:
        """Seconds to wait before reconnect attempt ``attempt`` (1-based)."""
        if attempt < 1:
            raise ValueError("attempts are numbered from 1")
        # Stop multiplying once past the cap: no float overflow on long outages.
        delay = self.initial
        for _ in range(attempt - 1):
            if delay >= self.maximum:
                break
            delay *= self.factor
        return min(delay, self.maximum)
