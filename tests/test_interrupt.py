"""Ctrl-C: the command ends at once with exit status 130, no traceback and no worker left."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT, mail, mbox

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process table in /proc"
)

#: Seconds a command may take to end after Ctrl-C before the test fails (it takes ~0.3 s).
PROMPTLY = 15.0

#: When Ctrl-C comes, in seconds after the command loaded pydantic: as the workers start,
#: and while they parse. Ctrl-C while the command's modules load is the in-process test
#: below: at that instant a subprocess on a machine at load 5 went unanswered twice in
#: ~300 runs (not seen on an idle machine in 100), a case this test cannot yet hold.
MOMENTS = [("check", 0.15), ("stats", 0.4), ("check", 0.7), ("stats", 1.0)]


def _endless_mails(pipe: int) -> None:
    """Write an mbox into the pipe until the reader is gone: the command never runs out."""
    block = mbox(*(mail(message_id=f"<{n}@example.org>") + b"x\n" * 200 for n in range(4000)))
    with open(pipe, "wb", buffering=0) as out:
        try:
            while True:
                out.write(block)
        except BrokenPipeError:
            pass


def _wait_for_library(pid: int, name: str) -> None:
    """Return once process pid has loaded a shared library whose path holds name."""
    deadline = time.monotonic() + PROMPTLY
    while name not in Path(f"/proc/{pid}/maps").read_text():
        if time.monotonic() > deadline:
            pytest.fail(f"the command did not load {name} in {PROMPTLY:g} s")
        time.sleep(0.005)


def _group_members(group: int) -> list[str]:
    """The live processes (not zombies) of a process group, as /proc shows them."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _, pgrp = stat.rpartition(")")[2].split()[:3]
        if int(pgrp) == group and state != "Z":
            found.append(entry.name)
    return found


@contextlib.contextmanager
def _as_a_foreground_job() -> Iterator[None]:
    """Start commands with Ctrl-C at its default, as a terminal's foreground job has it: a
    test run started in the background by a shell without job control (``(make test &)``)
    ignores SIGINT, and an ignored signal stays ignored in every program it starts (a
    handler set here is reset to the default by exec)."""
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(("command", "delay"), MOMENTS)
def test_ctrl_c_on_workers_exits_130_at_once_leaving_no_worker(command: str, delay: float) -> None:
    read, write = os.pipe()
    with _as_a_foreground_job():
        process = subprocess.Popen(
            [sys.executable, "-m", "kvmlist", command, "-", "--workers", "2", "-q"],
            stdin=read,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True,  # a group of its own, as a terminal's foreground job
        )
    os.close(read)
    writer = threading.Thread(target=_endless_mails, args=(write,), daemon=True)
    writer.start()
    _wait_for_library(process.pid, "pydantic_core")
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)  # a terminal signals the whole group
    try:
        _, stderr = process.communicate(timeout=PROMPTLY)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{command}: still running {PROMPTLY:g} s after Ctrl-C")
    writer.join(PROMPTLY)
    # 130, or killed by SIGINT itself: CPython ends so (after the command returned 130) when
    # the Ctrl-C interrupted code it ran through PyRun_String (pydantic-core's start-up
    # does), whoever caught the KeyboardInterrupt; a shell shows both as status 130
    assert process.returncode in (130, -signal.SIGINT)
    assert "Traceback" not in stderr.decode()
    deadline = time.monotonic() + PROMPTLY  # a worker gone with its parent: at once
    while _group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _group_members(process.pid) == []


def test_ctrl_c_while_the_command_loads_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import kvmlist.cli

    class Interrupted:  # stands for the module: loading it is interrupted
        def __getattr__(self, name: str) -> None:
            raise KeyboardInterrupt

    monkeypatch.setitem(sys.modules, "kvmlist.cli.commands", Interrupted())
    assert kvmlist.cli.main(["stats", "-"]) == 130


#: Workers that sleep through their jobs while the parent is still writing a job of 4 MiB
#: (a decompressed slice, or a batch of mails read from a pipe) into the pool's queue: Ctrl-C
#: then kills them, and the thread writing that job waits for a reader that never comes.
_STUCK_WRITER = """
import os, signal, sys, threading, time
from kvmlist.scale import workers

def asleep(job):
    time.sleep(120)
    return [], None

def jobs():
    while True:
        yield [b"x" * (4 << 20)]

threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    for _ in workers._in_order(jobs(), 2, asleep):
        pass
except KeyboardInterrupt:
    sys.exit(130)
"""


def _ends_with_130_at_once(script: str, hang: str) -> None:
    """Run a script that Ctrl-C interrupts: it must end with 130 and leave no worker."""
    with _as_a_foreground_job():
        process = subprocess.Popen(
            [sys.executable, "-c", script],
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True,
        )
    try:
        _, stderr = process.communicate(timeout=PROMPTLY + 10)  # the workers get STOP_WAIT
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"still running after Ctrl-C: {hang}")
    assert process.returncode == 130, stderr.decode()
    assert _group_members(process.pid) == []


def test_ctrl_c_while_a_job_is_half_written_to_a_killed_worker_exits_at_once() -> None:
    _ends_with_130_at_once(_STUCK_WRITER, "waiting to write a job to a killed worker")


#: A worker killed (after STOP_WAIT) while it writes its result to the pool's result pipe: a
#: check's result of a 4 MiB slice weighs ~850 kB, written 64 kB at a time while the pool's
#: thread reads it. The worker here writes a result's length and a part of it, as the kill
#: leaves them, and sleeps until it is killed; the pool's thread is left reading the rest.
_HALF_WRITTEN_RESULT = """
import os, signal, struct, sys, threading, time
from kvmlist.scale import workers

def killed_mid_write(job):
    frame = sys._getframe()
    while frame.f_code.co_name != "_process_worker":  # the pool's loop in the worker
        frame = frame.f_back
    result_pipe = frame.f_locals["result_queue"]._writer
    os.write(result_pipe.fileno(), struct.pack("!i", 850_000) + b"x" * 4096)
    time.sleep(120)

threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    for _ in workers._in_order(iter([[b"x"]]), 2, killed_mid_write):
        pass
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_ctrl_c_while_a_killed_worker_was_writing_its_result_exits_at_once() -> None:
    _ends_with_130_at_once(_HALF_WRITTEN_RESULT, "reading the rest of a killed worker's result")
