"""The progress display of the ``pandapon`` command (pure: an injected clock, a string buffer)."""

from __future__ import annotations

import io

from pandapon_async.cli._progress import ProgressDisplay, format_duration, resolve_mode


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_auto_mode_is_a_bar_on_a_terminal_and_lines_elsewhere() -> None:
    assert resolve_mode("auto", Terminal()) == "bar"
    assert resolve_mode("auto", io.StringIO()) == "lines"
    assert resolve_mode("none", Terminal()) == "none"


def test_bar_redraws_one_line_in_place_with_rate_and_eta() -> None:
    stream, clock = Terminal(), Clock()
    display = ProgressDisplay(stream, "bar", label="paying", clock=clock, width=100)

    clock.now += 1
    display.update(250, 1000, 240, 10, rate=250.0)
    clock.now += 1
    display.update(500, 1000, 490, 10, rate=250.0)
    display.finish()

    text = stream.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")  # one line, ended once at finish
    frames = text.rstrip("\n").split("\r")[1:]
    assert len(frames) == 3
    assert "250/1,000  25%" in frames[0] and "ok 240  not ok 10" in frames[0]
    assert "250/s  ETA 0:03" in frames[0]
    assert all(len(frame) <= 99 for frame in frames)  # never wraps, so \r can redraw it


def test_bar_is_redrawn_at_most_ten_times_a_second() -> None:
    stream, clock = Terminal(), Clock()
    display = ProgressDisplay(stream, "bar", clock=clock, width=100)

    for done in range(1, 101):
        clock.now += 0.001
        display.update(done, 100, done, 0)

    assert stream.getvalue().count("\r") == 1


def test_plain_lines_every_ten_percent_or_two_seconds() -> None:
    stream, clock = io.StringIO(), Clock()
    display = ProgressDisplay(stream, "lines", label="paying", clock=clock)

    for done in range(1, 1001):
        display.update(done, 1000, done, 0)  # no time passes: one line per 10% step
    lines_by_percent = stream.getvalue().splitlines()
    clock.now += 2.5
    display.update(1000, 1000, 1000, 0)  # same state, 2.5 s later: a line to show it's alive
    display.finish()  # the final state is already on screen

    assert len(lines_by_percent) == 11  # 0% (first update), 10%, ..., 100%
    assert lines_by_percent[-1].startswith("paying: 1,000/1,000 100%  ok 1,000  not ok 0")
    assert "\r" not in stream.getvalue()
    assert len(stream.getvalue().splitlines()) == 12


def test_unknown_total_and_mode_none() -> None:
    stream, silent = io.StringIO(), io.StringIO()
    display = ProgressDisplay(stream, "lines", clock=Clock())
    quiet = ProgressDisplay(silent, "none", clock=Clock())

    display.update(5, None, 4, 1)
    display.finish()
    quiet.update(5, 10, 5, 0)
    quiet.finish()

    assert stream.getvalue().startswith("progress: 5  ok 4  not ok 1")
    assert silent.getvalue() == ""


def test_format_duration() -> None:
    assert format_duration(0) == "0:00"
    assert format_duration(75.4) == "1:15"
    assert format_duration(3 * 3600 + 61) == "3:01:01"
