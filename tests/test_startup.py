"""Start-up: what a command loads is what it needs (docs/performance.md has the times)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Run a command in a fresh interpreter and print the modules it loaded.
PROGRAM = """
import contextlib, io, json, sys
from kvmlist.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main(sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""

#: Modules a report on an mbox file does not need: plots, git, HTTP, worker pools and
#: email-validator (plain addresses are checked without it, tests/test_addresses.py).
NOT_FOR_A_REPORT = (
    "email_validator",
    "multiprocessing",
    "concurrent.futures",
    "matplotlib",
    "kvmlist.sources.lore.client",
    "kvmlist.grouping.landed",
    "kvmlist.cli.insight",
    "kvmlist.cli.landed",
    "kvmlist.outputs.plot",
    "kvmlist.outputs.site",
    "kvmlist.analysis.check",
    "kvmlist.sources.public_inbox",  # git and its processes: for an archive only
    "subprocess",
)


def _loaded(*argv: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *argv], capture_output=True, text=True, check=True
    )
    answer = json.loads(done.stdout)
    return answer["status"], set(answer["modules"])


def test_a_report_loads_no_plot_git_http_or_worker_module() -> None:
    status, modules = _loaded("report", str(FIXTURES / "kvm-sample.mbox"))
    assert status == 0
    assert "kvmlist.outputs.report" in modules  # the probe sees what the command used
    unneeded = {m for m in modules for x in NOT_FOR_A_REPORT if m == x or m.startswith(x + ".")}
    assert sorted(unneeded) == []


def test_a_command_that_needs_a_module_still_gets_it() -> None:
    status, modules = _loaded("check", str(FIXTURES / "kvm-sample.mbox"))
    assert status == 0
    assert "kvmlist.analysis.check" in modules


def _run(program: str) -> str:
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_kvmlist_loads_neither_pydantic_nor_the_parser() -> None:
    loaded = _run(
        "import sys, kvmlist; print(sorted(m for m in sys.modules"
        " if m.startswith(('pydantic', 'kvmlist.models', 'kvmlist.parse'))))"
    )
    assert loaded == "[]"
    assert _run("import kvmlist; print(kvmlist.Message.__name__, kvmlist.__version__)")


def test_a_model_built_by_hand_loads_the_parser_for_its_lazy_fields() -> None:
    program = (
        "from kvmlist.models import Message\n"
        "raw = b'Subject: hi\\nContent-Type: text/plain; charset=utf-8\\n\\nh\\xc3\\xa9llo\\n'\n"
        "print(Message(message_id='a@b', subject='Re: [PATCH] x', raw=raw).body.strip(),"
        " Message(message_id='a@b', subject='Re: [PATCH v2 1/2] x: y').subject_title)"
    )
    assert _run(program) == "héllo x: y"
