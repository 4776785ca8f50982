"""Real concurrent attempts against PostgreSQL: threads with their own connections, no mocks.

`Contenders(20)` keeps 20 threads for as many rounds as a test runs. Django's database
connections belong to a thread, so each contender has its own connection (and transactions)
and keeps it between rounds, instead of connecting afresh 20 times a round. Each round releases
every attempt at once through a barrier, so they really meet at the row locks.

Use them in `transaction=True` tests: the attempts must see committed rows, and commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import connections

# How many attempts meet at once, and how many times a race is run, in tests/resilience.
ATTEMPTS = 20
ROUNDS = 50
# A thread waiting longer than this at the barrier means another never started: fail, not hang.
BARRIER_TIMEOUT_SECONDS = 60


@dataclass
class Outcome:
    """What each attempt of one round did, in the order the attempts were given."""

    results: list[Any] = field(default_factory=list)  # a return value, or None if refused
    refusals: list[str | None] = field(default_factory=list)  # a refusal's message, or None

    @property
    def winners(self) -> list[Any]:
        return [r for r, refusal in zip(self.results, self.refusals, strict=True) if not refusal]

    @property
    def refused(self) -> list[str]:
        return [refusal for refusal in self.refusals if refusal is not None]

    @property
    def winning_attempts(self) -> list[int]:
        return [n for n, refusal in enumerate(self.refusals) if refusal is None]


class Contenders:
    """A pool of threads that run a round of attempts at the same instant (a context manager:
    leaving it closes every thread's database connection)."""

    def __init__(self, size: int = ATTEMPTS):
        self.size = size
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="contender")

    def __enter__(self) -> Contenders:
        return self

    def __exit__(self, *exc_info) -> None:
        # One closing job per thread: the barrier keeps any thread from taking two.
        self._everyone(connections.close_all, self.size)
        self._pool.shutdown(wait=True)

    def run(
        self,
        attempts: Sequence[Callable[[], Any]],
        *,
        expected: tuple[type[Exception], ...] = (Exception,),
    ) -> Outcome:
        """Run every attempt at once. An `expected` exception counts as a refusal (its message
        is kept); any other exception is raised here, failing the test."""
        if len(attempts) > self.size:
            raise ValueError(f"{len(attempts)} attempts need {len(attempts)} contenders")

        def attempt(call):
            try:
                return call(), None
            except expected as error:
                return None, str(error)

        outcome = Outcome()
        for result, refusal in self._everyone_runs(attempt, attempts):
            outcome.results.append(result)
            outcome.refusals.append(refusal)
        return outcome

    def _everyone_runs(self, function, arguments: Sequence) -> list:
        barrier = threading.Barrier(len(arguments), timeout=BARRIER_TIMEOUT_SECONDS)

        def at_the_barrier(argument):
            barrier.wait()
            return function(argument)

        futures = [self._pool.submit(at_the_barrier, argument) for argument in arguments]
        return [future.result() for future in futures]

    def _everyone(self, function, count: int) -> None:
        self._everyone_runs(lambda _: function(), range(count))


def contend(
    *calls: Callable[[], Any], expected: tuple[type[Exception], ...] = (Exception,)
) -> Outcome:
    """One round of `calls` at the same instant, on threads used for this round only."""
    with Contenders(len(calls)) as contenders:
        return contenders.run(calls, expected=expected)
