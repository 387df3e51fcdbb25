"""Progress of a run on stderr: a bar on a terminal, one line per N articles otherwise.

A bar redrawn with carriage returns becomes one long line in a log file or a CI
log, so when stderr is not a terminal the progress is printed as plain lines:
``parley: 40/120 articles (33%), 12.5 s``.
"""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

Progress = Callable[[int | None], None]  # called with articles done, then None at the end


def lines_every(total: int) -> int:
    """Articles between two progress lines: about ten lines per run, at most every 100."""
    return max(1, min(100, -(-total // 10)))


def progress(total: int, quiet: bool = False, stream: TextIO | None = None) -> Progress:
    """A progress callback for a run over ``total`` articles."""
    stream = stream or sys.stderr
    if quiet:
        return lambda n: None
    if stream.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="article", desc="parley", file=stream)
        return lambda n: bar.close() if n is None else bar.update(n)

    every = lines_every(total)
    start = time.monotonic()
    state = {"done": 0, "printed": 0}

    def update(n: int | None) -> None:
        if n is not None:
            state["done"] += n
            if state["done"] - state["printed"] < every and state["done"] < total:
                return
        elif state["printed"] == state["done"]:
            return  # the last line is already out
        state["printed"] = state["done"]
        share = f" ({100 * state['done'] // total}%)" if total else ""
        stream.write(f"parley: {state['done']}/{total} articles{share}, {time.monotonic() - start:.1f} s\n")
        stream.flush()

    return update
