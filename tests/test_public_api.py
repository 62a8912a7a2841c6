"""The public surface: exactly the intended names, typed, importable."""

from __future__ import annotations

from pathlib import Path

import kvmlist

INTENDED = {
    "Acceptance",
    "Counts",
    "Defect",
    "Diffstat",
    "FileChange",
    "FileDiff",
    "KvmlistError",
    "MboxFormatError",
    "Message",
    "MessageParseError",
    "Patch",
    "Person",
    "Prerequisite",
    "PullMerge",
    "PullRequest",
    "ReportRange",
    "ReviewTrailer",
    "Series",
    "SourceError",
    "Trailer",
    "UsageError",
    "__version__",
    "count_by",
    "count_by_author",
    "count_by_domain",
    "count_by_organisation",
    "find_acceptances",
    "find_pull_requests",
    "first_time_contributors",
    "group_series",
    "parse_message",
    "parse_raw",
    "patch_mails",
    "read",
    "read_inbox",
    "read_maildir",
    "read_mbox",
    "render_report",
    "to_b4",
    "to_mbox",
}


def test_public_names_are_exactly_the_intended_ones() -> None:
    assert set(kvmlist.__all__) == INTENDED
    assert kvmlist.__all__ == sorted(kvmlist.__all__)
    assert all(hasattr(kvmlist, name) for name in kvmlist.__all__)


def test_package_is_typed() -> None:
    assert (Path(kvmlist.__file__).parent / "py.typed").exists()


def test_errors_derive_from_builtins_users_catch() -> None:
    assert issubclass(kvmlist.MboxFormatError, ValueError)
    assert issubclass(kvmlist.SourceError, OSError)
    assert issubclass(kvmlist.UsageError, kvmlist.KvmlistError)


def test_import_loads_only_the_errors_the_version_and_the_lazy_names() -> None:
    # start-up time (docs/performance.md): the rest is imported on first use
    import subprocess
    import sys

    code = (
        "import sys, kvmlist; loaded = set(sys.modules);"
        "kvmlist.read_mbox, kvmlist.render_report, kvmlist.scale;"
        "print(sorted(loaded)); print(sorted(set(sys.modules) - loaded))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    at_import, on_use = (eval(line) for line in done.stdout.splitlines())
    ours = {name.split(".")[1] for name in at_import if name.startswith("kvmlist.")}
    assert ours <= {"_version", "_lazy", "errors"}  # models and the parser come on first use
    assert "email.message" not in at_import  # MIME mails import it when they come
    assert {"kvmlist.sources.reader", "kvmlist.outputs.report", "kvmlist.scale"} <= set(on_use)
