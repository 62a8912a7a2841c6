"""git am of to_mbox applies what kvmlist read: no diff in a part kvmlist skipped, no author
or subject from a header field kvmlist did not read (a hostile sender's second From)."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

import kvmlist
from kvmlist.outputs.interop import to_mbox

from .test_interop import git

SHOWN = (
    "diff --git a/foo.c b/foo.c\nindex 7898192..4d16b5e 100644\n--- a/foo.c\n+++ b/foo.c\n"
    "@@ -1 +1,2 @@\n a\n+SHOWN\n"
)
HIDDEN = (
    "diff --git a/evil.sh b/evil.sh\nnew file mode 100755\nindex 0000000..3333333\n"
    "--- /dev/null\n+++ b/evil.sh\n@@ -0,0 +1 @@\n+HIDDEN\n"
)
HEAD = (
    "From: Jane Doe <jane@arm.com>\n"
    "To: kvmarm@lists.linux.dev\n"
    "Subject: [PATCH] KVM: arm64: show one line\n"
    "Date: Mon, 2 Mar 2026 10:14:31 +0000\n"
    "Message-ID: <20260302101431.1-jane@arm.com>\n"
)
IN_BODY = "From: Joe Roe <joe.roe@arm.com>\n\n"
MESSAGE = "Show it.\n\nSigned-off-by: Jane Doe <jane@arm.com>\n---\n"


def _multipart(kind: str, second: str) -> bytes:
    return (
        f'{HEAD}MIME-Version: 1.0\nContent-Type: {kind}; boundary="BB"\n\n'
        f"--BB\nContent-Type: text/plain; charset=utf-8\n\n{IN_BODY}{MESSAGE}{SHOWN}\n"
        f"--BB\n{second}\n--BB--\n"
    ).encode()


HIDING = {
    "html alternative": _multipart(
        "multipart/alternative", f"Content-Type: text/html; charset=utf-8\n\n{HIDDEN}"
    ),
    "pgp signature": _multipart(
        'multipart/signed; protocol="application/pgp-signature"',
        f"Content-Type: application/pgp-signature\n\n{HIDDEN}",
    ),
    "base64 octet-stream": _multipart(
        "multipart/mixed",
        "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(HIDDEN.encode()).decode(),
    ),
    "image": _multipart("multipart/mixed", f"Content-Type: image/png\n\n{HIDDEN}"),
}


@pytest.fixture
def base(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "foo.c").write_text("a\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def _applied(repo: Path, mail: bytes) -> kvmlist.Patch:
    """Apply to_mbox of the one-patch series of ``mail``; return kvmlist's patch."""
    [series] = kvmlist.group_series([kvmlist.parse_message(mail)])
    subprocess.run(
        ["git", "-C", str(repo), "am", "-q"],
        input=to_mbox(series),
        check=True,
        capture_output=True,
        env={"HOME": "/nonexistent", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin",
             "GIT_COMMITTER_NAME": "C", "GIT_COMMITTER_EMAIL": "c@example.org"},
    )  # fmt: skip
    [patch] = series.patches
    return patch


@pytest.mark.parametrize("mail", HIDING.values(), ids=HIDING.keys())
def test_git_am_applies_no_diff_kvmlist_did_not_read(base: Path, mail: bytes) -> None:
    patch = _applied(base, mail)
    assert patch.diffstat is not None
    assert [f.path for f in patch.diffstat.files] == ["foo.c"]
    assert git(base, "ls-files").decode().split() == ["foo.c"]
    assert (base / "foo.c").read_text() == "a\nSHOWN\n"
    assert git(base, "log", "-1", "--format=%an <%ae>|%B").decode().strip() == (
        "Joe Roe <joe.roe@arm.com>|KVM: arm64: show one line\n\n"
        "Show it.\n\nSigned-off-by: Jane Doe <jane@arm.com>"
    )


def _plain(head: str) -> bytes:
    return f"{head}\n{MESSAGE}{SHOWN}".encode()


REPEATED = {
    "From": _plain(HEAD + "From: Linus Torvalds <torvalds@linux-foundation.org>\n"),
    "Subject": _plain(HEAD + "Subject: [PATCH] KVM: arm64: something else\n"),
    "Content-Transfer-Encoding": (
        f"{HEAD}Content-Transfer-Encoding: 8bit\nContent-Transfer-Encoding: quoted-printable\n"
        f"\n{MESSAGE}{SHOWN.replace('+SHOWN', '+SHOWN=3D2')}"
    ).encode(),
}


@pytest.mark.parametrize("mail", REPEATED.values(), ids=REPEATED.keys())
def test_a_repeated_field_is_a_defect_and_git_am_reads_the_value_kvmlist_read(
    base: Path, mail: bytes
) -> None:
    patch = _applied(base, mail)
    repeated = [d.detail for d in patch.defects if d.kind == "repeated-field"]
    assert repeated and repeated[0].split(":")[0] in REPEATED
    assert patch.author is not None
    assert git(base, "log", "-1", "--format=%an <%ae>|%s").decode().strip() == (
        f"{patch.author.name} <{patch.author.email}>|{patch.title}"
    )
    added = [line[1:] for line in patch.diff.splitlines() if line.startswith("+S")]
    assert (base / "foo.c").read_text() == "a\n" + "".join(f"{x}\n" for x in added)


SCISSORED = (
    "From: Marc Zyngier <maz@kernel.org>\n"
    "To: kvmarm@lists.linux.dev\n"
    "Subject: [PATCH] KVM: arm64: what about this instead?\n"
    "Date: Mon, 2 Mar 2026 11:02:10 +0000\n"
    "Message-ID: <86a5b6c7d8.wl-maz@kernel.org>\n"
    "\n"
    "On Mon, 02 Mar 2026 10:14:31 +0000, Jane Doe wrote:\n"
    "> Show it.\n"
    "\n"
    "How about this, which keeps the old line?\n"
    "\n"
    "-- >8 --\n"
    "From: Joe Roe <joe.roe@arm.com>\n"
    "Subject: KVM: arm64: show one line\n"
    "\n"
    f"{MESSAGE}{SHOWN}"
).encode()


def test_git_am_without_scissors_reads_the_mail_below_the_scissors_as_kvmlist_did(
    base: Path,
) -> None:
    patch = _applied(base, SCISSORED)
    assert (patch.author and patch.author.email, patch.title) == (
        "joe.roe@arm.com",
        "KVM: arm64: show one line",
    )
    assert git(base, "log", "-1", "--format=%an <%ae>|%B").decode().strip() == (
        "Joe Roe <joe.roe@arm.com>|KVM: arm64: show one line\n\n"
        "Show it.\n\nSigned-off-by: Jane Doe <jane@arm.com>"
    )
    assert (base / "foo.c").read_text() == "a\nSHOWN\n"
