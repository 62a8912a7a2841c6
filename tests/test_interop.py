"""From a parsed Series back to patches: git am applies kvmlist's am-ready mbox; b4 reads it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import kvmlist
from kvmlist.outputs.interop import to_b4, to_mbox

from .conftest import FIXTURES

ENV = {
    "GIT_AUTHOR_NAME": "Jörg Brandstätter",
    "GIT_AUTHOR_EMAIL": "joerg.brandstaetter@suse.de",
    "GIT_COMMITTER_NAME": "Jörg Brandstätter",
    "GIT_COMMITTER_EMAIL": "joerg.brandstaetter@suse.de",
    "HOME": "/nonexistent",
    "GIT_CONFIG_NOSYSTEM": "1",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


def git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", "-C", str(repo), *args], input=data, capture_output=True, check=True, env=ENV
    ).stdout


@pytest.fixture
def posted(tmp_path: Path) -> tuple[Path, bytes, str]:
    """A repository with two commits on top of a base, and the series git format-patch made."""
    repo = tmp_path / "work"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "pmu.c").write_text("int counter;\n\nint read(void)\n{\n\treturn counter;\n}\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD").decode().strip()
    (repo / "pmu.c").write_text("long counter;\n\nint read(void)\n{\n\treturn counter;\n}\n")
    git(repo, "commit", "-q", "-a", "-m", "pmu: widen the counter\n\nIt overflows.\n")
    (repo / "pmu.h").write_text("long read(void);\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "pmu: add a header\n\nFor callers.\n\nCc: x@example.org")
    mails = git(repo, "format-patch", "--cover-letter", "-v2", "--stdout", "--thread", f"{base}..")
    return repo, mails, base


def _parsed_and_base(
    posted: tuple[Path, bytes, str], tmp_path: Path
) -> tuple[kvmlist.Series, Path]:
    """The series kvmlist reads from the posted mails, and a clone of the repository at their
    base to apply them to."""
    repo, mails, base = posted
    mbox = tmp_path / "posted.mbox"
    mbox.write_bytes(mails)
    [series] = kvmlist.group_series(kvmlist.read_mbox(mbox, format="mboxo"))
    applied = tmp_path / "applied"
    subprocess.run(["git", "clone", "-q", str(repo), str(applied)], check=True, env=ENV)
    git(applied, "checkout", "-q", base)
    return series, applied


def test_git_am_applies_the_series_kvmlist_parsed(
    posted: tuple[Path, bytes, str], tmp_path: Path
) -> None:
    repo, _, base = posted
    series, applied = _parsed_and_base(posted, tmp_path)
    assert (series.version, series.total, series.complete) == (2, 2, True)
    git(applied, "am", "-q", data=to_mbox(series))
    assert git(applied, "rev-parse", "HEAD^{tree}") == git(repo, "rev-parse", "HEAD^{tree}")
    log = git(applied, "log", "--format=%an|%s", f"{base}..").decode().splitlines()
    assert log == [
        "Jörg Brandstätter|pmu: add a header",
        "Jörg Brandstätter|pmu: widen the counter",
    ]


def test_b4_reads_the_series(posted: tuple[Path, bytes, str], tmp_path: Path) -> None:
    pytest.importorskip("b4")
    _, mails, _ = posted
    mbox = tmp_path / "posted.mbox"
    mbox.write_bytes(mails)
    [series] = kvmlist.group_series(kvmlist.read_mbox(mbox, format="mboxo"))
    b4_series = to_b4(series).get_series(2, codereview_trailers=False)
    assert b4_series is not None and b4_series.expected == 2
    assert [p.subject for p in b4_series.patches[1:]] == [p.title for p in series.patches]


def _one_patch(message: str) -> bytes:
    """A patch mail, as a list archives it, whose commit message is ``message``."""
    return (
        "From: Alexandru Elisei <alexandru.elisei@arm.com>\n"
        "To: kvmarm@lists.linux.dev\n"
        "Subject: [PATCH] pmu: widen the counter\n"
        "Date: Tue, 3 Mar 2026 10:00:00 +0000\n"
        "Message-ID: <20260303100000.1-alexandru.elisei@arm.com>\n"
        "\n"
        f"{message}"
        "Signed-off-by: Alexandru Elisei <alexandru.elisei@arm.com>\n"
        "---\n"
        " pmu.c | 2 +-\n"
        " 1 file changed, 1 insertion(+), 1 deletion(-)\n"
        "\n"
        "diff --git a/pmu.c b/pmu.c\n"
        "--- a/pmu.c\n"
        "+++ b/pmu.c\n"
        "@@ -1,3 +1,3 @@\n"
        "-int counter;\n"
        "+long counter;\n"
        " \n"
        " int read(void)\n"
        "-- \n"
        "2.50.1\n"
    ).encode()


@pytest.mark.parametrize(
    "message",
    [
        "From the Arm ARM, DDI0487 L.a, D24.5.2: it is 64 bits.\n\n",
        "A reply said:\n>From the spec, it overflows.\n>>From v1: kept.\n\n",
    ],
    ids=["From the Arm ARM", ">From quoted"],
)
def test_plain_git_am_keeps_a_from_line_of_the_commit_message(
    posted: tuple[Path, bytes, str], tmp_path: Path, message: str
) -> None:
    repo, _, base = posted
    [series] = kvmlist.group_series([kvmlist.parse_message(_one_patch(message))])
    applied = tmp_path / "applied"
    subprocess.run(["git", "clone", "-q", str(repo), str(applied)], check=True, env=ENV)
    git(applied, "checkout", "-q", base)
    git(applied, "am", "-q", data=to_mbox(series))
    assert git(applied, "log", "-1", "--format=%b").decode().startswith(message)


@pytest.mark.parametrize(
    "line",
    [
        "From the Arm ARM, DDI0487 L.a, D24.5.2: it is 64 bits.",
        "From v1: reworded.",
        "From kernel 5.10 on, at 12:34 every day",
        "From 4e3ebdc0af6baa83ccfc17c61c1eb61408095ffd Mon Sep 17 00:00:00 2001",
        "From jane@example.org Tue Mar  3 10:00:00 2026",
        "From a 1:23:45 91",
        "From a 1:23:45 90",
        "From a 1:23:45 -2001",
        "From a 1x23:45  2001 and more",
        "From a 12:34:56 2001:",
        "From a 12:34:56",
    ],
)
def test_to_mbox_quotes_a_from_line_exactly_when_git_would_start_a_mail_there(
    tmp_path: Path, line: str
) -> None:
    [series] = kvmlist.group_series([kvmlist.parse_message(_one_patch(f"{line}\n\n"))])
    written = to_mbox(series)
    quoted = f"\n>{line}\n".encode() in written
    assert quoted or f"\n{line}\n".encode() in written
    unquoted = written.replace(f"\n>{line}\n".encode(), f"\n{line}\n".encode())
    assert _mails_git_finds(tmp_path / "written", written) == 1
    assert _mails_git_finds(tmp_path / "unquoted", unquoted) == (2 if quoted else 1)


def _mails_git_finds(folder: Path, mbox: bytes) -> int:
    """How many mails ``git mailsplit`` (git am's first step) cuts an mbox into."""
    folder.mkdir()
    (folder / "in.mbox").write_bytes(mbox)
    git(folder, "init", "-q")
    return int(git(folder, "mailsplit", f"-o{folder}", str(folder / "in.mbox")))


def _point_revision() -> kvmlist.Series:
    """v3 of a series whose 2/2 a ``[PATCH v3.1 2/2]`` replaced (fixtures/point-revision.mbox)."""
    [series] = kvmlist.group_series(kvmlist.read_mbox(FIXTURES / "point-revision.mbox"))
    assert series.replaced  # the v3 2/2, a mail of the series but none of its patches
    return series


def _written_ids(mbox: bytes) -> list[str]:
    return [
        line.split(b"<", 1)[1].rstrip(b">").decode()
        for line in mbox.split(b"\n")
        if line.lower().startswith(b"message-id:")
    ]


@pytest.mark.parametrize("include_cover", [False, True])
def test_to_mbox_writes_the_series_patches_not_those_a_point_revision_replaced(
    include_cover: bool,
) -> None:
    series = _point_revision()
    expected = [p.message_id for p in series.patches]
    if include_cover and series.cover is not None:
        expected.insert(0, series.cover.message_id)
    assert _written_ids(to_mbox(series, include_cover=include_cover)) == expected


def test_b4_gets_the_series_patches_not_those_a_point_revision_replaced() -> None:
    pytest.importorskip("b4")
    series = _point_revision()
    mailbox = to_b4(series)
    assert series.cover is not None
    expected = [series.cover.message_id, *(p.message_id for p in series.patches)]
    assert sorted(mailbox.msgid_map) == sorted(expected)
    # b4 reads "v3.1" as version 1: its v3 lacks the 2/2 rather than taking the stale one
    b4_series = mailbox.get_series(3, codereview_trailers=False)
    assert [p and p.msgid for p in b4_series.patches] == [*expected[:2], None]


def test_git_am_skips_the_cover_letter_with_empty_drop(
    posted: tuple[Path, bytes, str], tmp_path: Path
) -> None:
    repo, _, base = posted
    series, applied = _parsed_and_base(posted, tmp_path)
    git(applied, "am", "-q", "--empty=drop", data=to_mbox(series, include_cover=True))
    assert git(applied, "rev-parse", "HEAD^{tree}") == git(repo, "rev-parse", "HEAD^{tree}")
    assert git(applied, "rev-list", "--count", f"{base}..").strip() == b"2"


def _reply(number: int, parent: str, root: str, body: str) -> bytes:
    """A reply as a list archives it: Re: subject, threaded under parent, below root."""
    references = root if parent == root else f"{root} {parent}"
    return (
        "From: Marc Zyngier <maz@kernel.org>\n"
        "To: kvmarm@lists.linux.dev\n"
        "Subject: Re: [PATCH] pmu: widen the counter\n"
        f"Date: Wed, 4 Mar 2026 1{number}:00:00 +0000\n"
        f"Message-ID: <reply{number}@kernel.org>\n"
        f"In-Reply-To: {parent}\n"
        f"References: {references}\n"
        "\n"
        f"{body}"
    ).encode()


def test_b4_finds_the_review_trailers_of_the_replies_given() -> None:
    pytest.importorskip("b4")
    patch = _one_patch("The counter is 64 bits wide.\n\n")
    root = "<20260303100000.1-alexandru.elisei@arm.com>"
    # a reply to the reply, quoted-printable; a reply in another thread stays out
    mime = (
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
    )
    mails = [
        kvmlist.parse_message(patch),
        kvmlist.parse_message(
            _reply(1, root, root, "> widen\n\nReviewed-by: Marc Zyngier <maz@kernel.org>\n")
        ),
        kvmlist.parse_message(
            _reply(2, "<reply1@kernel.org>", root, "")
            .replace(b"Marc Zyngier <maz@kernel.org>", "Jörg Brandstätter <joerg@suse.de>".encode())
            .replace(b"\n\n", b"\n" + mime.encode(), 1)
            + b"Tested-by: J=C3=B6rg Brandst=C3=A4tter <joerg@suse.de>\n"
        ),
        kvmlist.parse_message(_reply(3, "<other@x>", "<other@x>", "Acked-by: Nobody <no@x>\n")),
    ]
    [series] = kvmlist.group_series(mails)
    assert to_b4(series).get_series(1, codereview_trailers=False).patches[1].followup_trailers == []
    b4_series = to_b4(series, messages=mails).get_series(1, codereview_trailers=False)
    trailers = [(t.name, t.value) for t in b4_series.patches[1].followup_trailers]
    # b4 lists a trailer once more for each reply below it that it climbs through
    assert set(trailers) == {
        ("Reviewed-by", "Marc Zyngier <maz@kernel.org>"),
        ("Tested-by", "Jörg Brandstätter <joerg@suse.de>"),
    }
