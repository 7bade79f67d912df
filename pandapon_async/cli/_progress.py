"""Progress display for the ``pandapon`` command: one redrawn line on a terminal, plain
lines elsewhere (logs, CI, pipes). Always written to stderr so stdout stays machine-readable."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from typing import Literal, TextIO

__all__ = ["ProgressDisplay", "ProgressMode", "format_duration", "resolve_mode"]

ProgressMode = Literal["bar", "lines", "none"]

BAR_WIDTH = 30
MIN_BAR_WIDTH = 10
# Redrawing faster than the eye can read only costs CPU that the event loop needs.
BAR_REDRAW_INTERVAL = 0.1
LINE_INTERVAL = 2.0
LINE_STEP_PERCENT = 10


def resolve_mode(requested: str, stream: TextIO) -> ProgressMode:
    """``auto`` means a bar on a terminal and plain lines otherwise."""
    if requested == "auto":
        isatty = getattr(stream, "isatty", None)
        return "bar" if isatty is not None and isatty() else "lines"
    if requested in ("bar", "lines", "none"):
        return requested  # type: ignore[return-value]
    raise ValueError(f"unknown progress mode {requested!r}")


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _supports_unicode(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf16", "utf32")


class ProgressDisplay:
    """Renders bulk progress (done of total, succeeded, failed, rate, ETA).

    ``update`` may be called as often as the work progresses: the bar redraws at most ten
    times a second, and plain lines appear every ``LINE_STEP_PERCENT`` percent or every
    ``LINE_INTERVAL`` seconds, whichever comes first. ``finish`` draws the final state.
    """

    def __init__(
        self,
        stream: TextIO,
        mode: ProgressMode,
        *,
        label: str = "progress",
        clock: Callable[[], float] = time.monotonic,
        width: int | None = None,
    ) -> None:
        self._stream = stream
        self._mode = mode
        self._label = label
        self._clock = clock
        self._width = width
        self._started = clock()
        self._last_draw = -float("inf")
        self._last_step = -1
        self._last_len = 0
        self._bar_width: int | None = None
        self._written_state: tuple[int, int | None, int, int, float | None] | None = None
        self._finished = False
        self._state: tuple[int, int | None, int, int, float | None] = (0, None, 0, 0, None)
        unicode = _supports_unicode(stream)
        self._fill, self._empty = ("█", "░") if unicode else ("#", "-")

    @property
    def mode(self) -> ProgressMode:
        return self._mode

    def update(
        self,
        done: int,
        total: int | None,
        succeeded: int,
        failed: int,
        rate: float | None = None,
    ) -> None:
        if self._finished:
            return
        self._state = (done, total, succeeded, failed, rate)
        if self._mode == "none":
            return
        now = self._clock()
        if self._mode == "bar":
            if now - self._last_draw >= BAR_REDRAW_INTERVAL:
                self._draw_bar(now)
            return
        step = -1
        if total:
            step = (done * 100 // total) // LINE_STEP_PERCENT
        if step > self._last_step or now - self._last_draw >= LINE_INTERVAL:
            self._last_step = max(step, self._last_step)
            self._write_line(now)

    def finish(self) -> None:
        """Draw the final state once; later updates are ignored."""
        if self._finished:
            return
        self._finished = True
        if self._mode == "none":
            return
        now = self._clock()
        if self._mode == "bar":
            self._draw_bar(now)
            self._write("\n")
        else:
            # Rate aside, is the final state already on screen?
            if self._written_state is None or self._written_state[:4] != self._state[:4]:
                self._write_line(now)

    def discard(self) -> None:
        """End without drawing a final state (the work never started, e.g. bad input): a
        bar already on screen is ended with a newline; nothing else is written."""
        if self._finished:
            return
        self._finished = True
        if self._mode == "bar" and self._last_len:
            self._write("\n")

    def _write(self, text: str) -> None:
        # A closed stream (the reader of a pipe went away) ends the display, never the work
        # it reports on: a payment run goes on and keeps its journal complete.
        if self._mode == "none":
            return
        try:
            self._stream.write(text)
            self._stream.flush()
        except (BrokenPipeError, ValueError, OSError):
            self._mode = "none"

    def _rate(self, now: float) -> float | None:
        done, _, _, _, rate = self._state
        if rate is not None:
            return rate
        elapsed = now - self._started
        return done / elapsed if elapsed > 0 and done else None

    def _describe(self, now: float) -> tuple[str, str]:
        """``(counts, timing)`` texts shared by both modes."""
        done, total, succeeded, failed, _ = self._state
        rate = self._rate(now)
        counts = f"{done:,}/{total:,} {done * 100 // total:3d}%" if total else f"{done:,}"
        # "not ok", not "failed": it counts every bucket but the good one (the summary's
        # failed, errored and unknown), and the summary uses "failed" for one of them.
        counts += f"  ok {succeeded:,}  not ok {failed:,}"
        timing = f"{rate:,.0f}/s" if rate is not None else "-/s"
        if total and done < total and rate:
            timing += f"  ETA {format_duration((total - done) / rate)}"
        else:
            timing += f"  {format_duration(now - self._started)}"
        return counts, timing

    def _draw_bar(self, now: float) -> None:
        done, total, _, _, _ = self._state
        counts, timing = self._describe(now)
        text = f"{counts}  {timing}"
        columns = self._width or shutil.get_terminal_size((80, 24)).columns
        # A line that wraps can no longer be redrawn in place with a carriage return:
        # the bar gives up width first, then the line is cut.
        if self._bar_width is None:
            # Sized once, for the widest text this run can show, so the bar never jumps.
            widest = total or 99_999
            sample = (f"{widest:,}/{widest:,} 100%  ok {widest:,}  not ok {widest:,}  "
                      f"{9_999:,}/s  ETA 00:00")
            self._bar_width = min(BAR_WIDTH, columns - 1 - len(self._label) - 2 - len(sample))
        bar_width = self._bar_width
        if total and bar_width >= MIN_BAR_WIDTH:
            filled = min(bar_width, done * bar_width // total)
            bar = self._fill * filled + self._empty * (bar_width - filled)
            line = f"{self._label} {bar} {text}"
        else:
            line = f"{self._label} {text}"
        line = line[: max(10, columns - 1)]
        padding = " " * max(0, self._last_len - len(line))
        self._write("\r" + line + padding)
        self._last_len = len(line)
        self._last_draw = now

    def _write_line(self, now: float) -> None:
        counts, timing = self._describe(now)
        self._write(f"{self._label}: {counts}  {timing}\n")
        self._written_state = self._state
        self._last_draw = now
