"""Build public-inbox v2 style git epochs by hand (git fast-import), for reader tests.

Each mail is a commit whose tree holds the single blob ``m``; a deletion commit holds ``d``
instead, as public-inbox writes them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def build_epoch(
    path: Path, entries: list[tuple[str, bytes | None, int]], *, v1: bool = False
) -> list[str]:
    """Create a bare repository; entries are (file name, blob, unix time), oldest first.

    v2 (default): each commit's tree is the single file "m" (a mail) or "d" (a deletion).
    v1: files accumulate under fan-out paths ("ab/cdef..."); a None blob deletes the path.
    Return the commit ids, oldest first.
    """
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    stream = bytearray()
    for number, (name, blob, when) in enumerate(entries, start=1):
        stream += f"commit refs/heads/master\nmark :{number}\n".encode()
        stream += f"author A <a@example.org> {when} +0000\n".encode()
        stream += f"committer A <a@example.org> {when} +0000\n".encode()
        stream += b"data 4\nmail\n"
        if number > 1:
            stream += f"from :{number - 1}\n".encode()
        if not v1:
            stream += b"deleteall\n"
        if blob is None:
            stream += f"D {name}\n".encode()
        else:
            stream += f"M 100644 inline {name}\ndata {len(blob)}\n".encode() + blob + b"\n"
    subprocess.run(
        ["git", f"--git-dir={path}", "fast-import", "--quiet"], input=bytes(stream), check=True
    )
    subprocess.run(
        ["git", f"--git-dir={path}", "symbolic-ref", "HEAD", "refs/heads/master"], check=True
    )
    listing = subprocess.run(
        ["git", f"--git-dir={path}", "rev-list", "--reverse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    )
    return listing.stdout.split()


def unpack_objects(git_dir: Path) -> None:
    """Turn an epoch's packs into loose objects, so that single objects can be lost."""
    packs = git_dir / "objects" / "pack"
    for pack in list(packs.glob("*.pack")):
        data = pack.read_bytes()
        for path in packs.glob(pack.stem + ".*"):
            path.unlink()
        subprocess.run(
            ["git", f"--git-dir={git_dir}", "unpack-objects", "-q"], input=data, check=True
        )


#: 2026-03-03 09:00 UTC, when small_inbox's first mail arrives.
T0 = 1772528400


def small_inbox(folder: Path, mails: int) -> Path:
    """Build a one-epoch inbox at folder/kvm of that many one-line patches, a second apart
    from T0 (<0@x>, <1@x>, ...); return its root."""
    from .conftest import mail

    root = folder / "kvm"
    (root / "git").mkdir(parents=True)
    entries: list[tuple[str, bytes | None, int]] = [
        ("m", mail(f"[PATCH] KVM: x86: fix {n}", message_id=f"<{n}@x>"), T0 + n)
        for n in range(mails)
    ]
    build_epoch(root / "git" / "0.git", entries)
    return root


def lore_inbox(mbox: Path, folder: Path) -> Path:
    """Import an mbox into a real public-inbox v2 inbox at folder/lore (each mail a commit
    at its Date, as lore's importer writes them) with ../shared/local-lore.sh; return it.
    Skips the test where the script or Debian's public-inbox is missing."""
    import shutil

    import pytest

    from .conftest import SHARED, need

    script = need(SHARED / "local-lore.sh")
    if shutil.which("public-inbox-init") is None:
        pytest.skip("needs Debian's public-inbox (make test installs it where apt-get is root)")
    inbox = folder / "lore"
    subprocess.run(
        ["bash", str(script), "build", str(mbox), str(inbox)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder), "LOCAL_LORE_DIR": str(folder)},
        capture_output=True,
        check=True,
        timeout=300,
    )
    return inbox
