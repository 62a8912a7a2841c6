"""Run git on an archive somebody else wrote, so that its configuration runs no program.

A repository's own ``config`` can name programs git runs while reading: a signature checker
(``log.showSignature`` + ``gpg.program``), a file-system monitor, a pager, an external diff
or text conversion. Every git command kvmlist runs goes through :func:`git_command`, whose
``-c`` options (the strongest configuration level) and flags switch all of those off, and
whose environment ignores the system configuration and any GIT_* variables of the caller.

A missing object is worse: git fetches it from any remote the config calls a promisor (a
partial clone's), through the upload-pack program, ssh command or ``ext::`` command that
config names. An archive's git may use no transport at all (:data:`NO_TRANSPORT`), so a
mail missing from it stays missing; a tree the user names (``--git``) keeps its remotes.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path
from typing import IO

from kvmlist.errors import SourceError

#: ``-c`` settings that override whatever the repository's config says.
SAFE_CONFIG = (
    "log.showSignature=false",
    "core.fsmonitor=false",
    "core.pager=cat",
    "pager.log=false",
    "diff.external=",
    "core.hooksPath=/dev/null",
    "log.decorate=false",
    "color.ui=false",
    "core.quotePath=true",
    "log.showRoot=true",  # else no file is listed for an epoch's first commit: a mail unread
)
#: Every transport git has (and a default for any other, such as a remote helper's): never.
#: Named one by one, as a repository's ``protocol.file.allow=always`` beats a default.
NO_TRANSPORT = (
    "protocol.allow=never",
    *(
        f"protocol.{name}.allow=never"
        for name in ("file", "git", "ssh", "http", "https", "ftp", "ftps", "ext", "fd")
    ),
)
#: Flags for commands that show commits or diffs (``log``, ``rev-list`` with diffs).
SAFE_LOG_FLAGS = ("--no-show-signature", "--no-ext-diff", "--no-textconv", "--no-color")


def safe_options(*, fetch: bool = False) -> list[str]:
    """Return the options, before git's subcommand, that run no program a repository names;
    and no transport unless ``fetch`` (for the user's own tree, whose remotes are theirs)."""
    settings = SAFE_CONFIG if fetch else (*SAFE_CONFIG, *NO_TRANSPORT)
    return ["--no-pager", *(item for setting in settings for item in ("-c", setting))]


def git_command(git_dir: Path, *args: str) -> list[str]:
    """Return the argument vector running ``git args`` on an archive's repository, hardened."""
    return ["git", *safe_options(), f"--git-dir={git_dir}", *args]


def git_env(*, fetch: bool = False) -> dict[str, str]:
    """Return the environment for git: no system config, no GIT_* of ours, no prompts; and
    unless ``fetch``, no fetch of a missing object (git 2.44 and later read that variable)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    if not fetch:
        env["GIT_NO_LAZY_FETCH"] = "1"
    return env


def run_git(
    git_dir: Path, *args: str, check: bool = True, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a short git command and return it; a failure is a SourceError when ``check``."""
    done = subprocess.run(
        git_command(git_dir, *args),
        capture_output=True,
        text=True,
        check=False,
        env=git_env(),
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
    )
    if check and done.returncode != 0:
        raise SourceError(f"git {' '.join(args)} in {git_dir}: {one_line(done.stderr)}")
    return done


def has_commits(git_dir: Path) -> bool:
    """Return whether a repository's HEAD names a commit: False for an empty one (as ``git
    init`` or public-inbox-init leave it: no ref, and git says nothing), a SourceError when
    git cannot read it (a newer git's format, a broken config or ref), naming git's words."""
    done = run_git(git_dir, "rev-parse", "--verify", "--quiet", "HEAD", check=False)
    if done.returncode == 0:
        return True
    if done.returncode == 1 and not done.stderr.strip():
        refs = run_git(git_dir, "for-each-ref", "--count=1")
        if not refs.stdout.strip() and not refs.stderr.strip():
            return False
        said = (
            one_line(refs.stderr)
            or f"HEAD names no commit, but there are refs ({refs.stdout.split()[-1]})"
        )
    else:
        said = one_line(done.stderr)
    raise SourceError(f"{git_dir}: git cannot read this repository: {said}")


def one_line(said: str) -> str:
    """Return what git said on stderr as one line (it may take several: "...found:\n\tx")."""
    return " ".join(said.split())


def popen_git(git_dir: Path, *args: str, stdin: int, stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start a long-running git command whose binary stdout we stream.

    stderr goes to a file, not a pipe: a pipe nobody reads would block git once full.
    """
    return subprocess.Popen(
        git_command(git_dir, *args),
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=git_env(),
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a git process we may have stopped reading early, quietly (no BrokenPipe noise)."""
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):  # BrokenPipeError: git reads no more commands
                stream.close()
    if process.poll() is None:
        process.kill()
    process.wait()
