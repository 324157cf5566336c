"""How every benchmark here measures: operations interleaved in one process, warm-up, medians.

The machine is shared, so absolute times drift from run to run; what we publish is the ratio
of ours to the peer (or floor) measured in the same rounds: each round runs every operation
once, in turn, so a slow moment hits both sides alike.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def interleaved(operations: dict[str, Callable[[], object]], repeat: int, warmup: int = 3,
                reset: Callable[[], object] | None = None) -> dict[str, float]:
    """Median seconds of each operation over ``repeat`` rounds (after ``warmup`` untimed rounds)."""
    samples: dict[str, list[float]] = {name: [] for name in operations}
    for round_number in range(warmup + repeat):
        for name, operation in operations.items():
            if reset is not None:
                reset()
            started = time.perf_counter()
            operation()
            elapsed = time.perf_counter() - started
            if round_number >= warmup:
                samples[name].append(elapsed)
    return {name: statistics.median(values) for name, values in samples.items()}


@dataclass(frozen=True)
class Row:
    """One line of the ``make bench`` table."""
    work: str
    ours: float
    peer: float
    unit: str
    peer_name: str
    target: str = ''

    @property
    def ratio(self) -> float:
        return self.ours / self.peer if self.peer else float('inf')


def print_table(rows: list[Row], title: str = '') -> None:
    if title:
        print(title)
    width = max(len(row.work) for row in rows)
    peer_width = max(len(row.peer_name) for row in rows)
    header = (f'{"work":<{width}} | {"ours":>10} | {"peer / floor":>12} | {"unit":<5} | {"ratio":>6} | '
              f'{"target":<8} | {"peer or floor":<{peer_width}}')
    print(header)
    print('-' * len(header))
    for row in rows:
        print(f'{row.work:<{width}} | {row.ours:>10.3f} | {row.peer:>12.3f} | {row.unit:<5} | {row.ratio:>6.2f} | '
              f'{row.target:<8} | {row.peer_name:<{peer_width}}')
