"""Shared test helpers: where ../shared lives, and a small builder for realistic raw mails."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
SEED_MBOX = SHARED / "seed" / "kvm-2025-12-04.mbox"
SEED_REPORT = SHARED / "seed" / "kvm-report-2025-12-04.txt"
KVMARM = SHARED / "corpus" / "kvmarm.mboxrd.xz"


def need(path: Path) -> Path:
    """Return path, or skip the test with the reason when ../shared is not beside the project."""
    if not path.exists():
        pytest.skip(f"needs {path} (the shared material beside the project checkout)")
    return path


def mail(
    subject: str = "[PATCH] KVM: x86: Fix a thing",
    body: str = "Fix it.\n\nSigned-off-by: Jane Doe <jane@example.org>\n",
    *,
    sender: str = "Jane Doe <jane@example.org>",
    message_id: str | None = "<1@example.org>",
    date: str | None = "Tue, 3 Mar 2026 10:00:00 +0000",
    extra: str = "",
) -> bytes:
    """Return the raw bytes of a mail with the usual list headers."""
    head = [f"From: {sender}", f"Subject: {subject}"]
    if date is not None:
        head.append(f"Date: {date}")
    if message_id is not None:
        head.append(f"Message-ID: {message_id}")
    head.append("List-Id: <kvm.vger.kernel.org>")
    text = "\n".join(head) + "\n" + extra + "\n" + body
    return text.encode("utf-8")


def mbox(*mails: bytes) -> bytes:
    """Return an mboxrd file holding the mails, quoting ``>*From `` body lines."""
    import re

    out = []
    for raw in mails:
        quoted = re.sub(rb"(?m)^(>*From )", rb">\1", raw)
        out.append(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + quoted + b"\n")
    return b"".join(out)
