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

Nor may an archive keep git waiting: a FIFO (or a device) the repository holds or its config
includes blocks git the moment it opens it, wherever that is. No check of the files before
git runs could see them all (includes, conditional includes, alternates, loose objects,
packs), so every wait for git is bounded instead: git that gives no answer for
:data:`PATIENCE` seconds while kvmlist waits for one is stopped, a SourceError.
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import subprocess
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

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
#: Seconds git may keep kvmlist waiting for an answer (the next line, the next mail) before
#: it is stopped. git log writes nothing until it has walked an epoch's commits (--reverse),
#: a few seconds for the largest on a cold disk: two minutes leaves room for a slow one.
PATIENCE = 120.0
#: Flags for commands that show commits or diffs (``log``, ``rev-list`` with diffs).
SAFE_LOG_FLAGS = ("--no-show-signature", "--no-ext-diff", "--no-textconv", "--no-color")
#: Characters of what a long-running git wrote on stderr that an error quotes: its end,
#: where git says why it stopped (a hostile config may make it write megabytes before).
LAST_WORDS = 300


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
    """Run a short git command and return it; a failure is a SourceError when ``check``, and
    so is a git that gives no answer within PATIENCE seconds (it is stopped)."""
    try:
        done = subprocess.run(
            git_command(git_dir, *args),
            capture_output=True,
            text=True,
            check=False,
            env=git_env(),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            timeout=PATIENCE,
        )
    except subprocess.TimeoutExpired:
        raise no_answer(git_dir, args[0]) from None
    if check and done.returncode != 0:
        raise SourceError(f"git {' '.join(args)} in {git_dir}: {one_line(done.stderr)}")
    return done


def no_answer(git_dir: Path, command: str) -> SourceError:
    """Return the error for a git that kept us waiting PATIENCE seconds."""
    return SourceError(
        f"{git_dir}: git {command} gave no answer in {PATIENCE:g} s and was stopped "
        "(a FIFO or a device in the repository, or a file its config includes?)"
    )


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
    """Return what git said on stderr as one line (git breaks some messages over two)."""
    return " ".join(said.split())


def last_words(errors: IO[bytes]) -> str:
    """Return the end of what git wrote to a stderr file, as one line of at most LAST_WORDS
    characters (its last lines: git's "fatal:" comes last); "" when it wrote nothing."""
    size = errors.seek(0, os.SEEK_END)
    errors.seek(max(0, size - 4 * LAST_WORDS))  # enough bytes for LAST_WORDS characters
    said = one_line(errors.read().decode("utf-8", "replace"))
    return said if len(said) <= LAST_WORDS else "..." + said[3 - LAST_WORDS :]


class Git:
    """A long-running git command on an archive, whose binary output we stream.

    Each read of its output that finds nothing there yet waits at most PATIENCE seconds for
    git to write (a ``poll`` before the read; not on Windows, whose pipes have none): then
    git is stopped and the read is a SourceError. The time the caller takes between reads
    is not counted, nor are threads started. stderr goes to a file, not a pipe: a pipe
    nobody reads would block git once full.
    """

    def __init__(self, git_dir: Path, *args: str, stdin: int, stderr: IO[bytes]) -> None:
        self.git_dir, self.command = git_dir, args[0]
        self.process = subprocess.Popen(
            git_command(git_dir, *args), stdin=stdin, stdout=subprocess.PIPE, stderr=stderr,
            env=git_env(), bufsize=0,
        )  # fmt: skip
        assert isinstance(self.process.stdout, io.FileIO)
        raw_in = self.process.stdin  # buffered as Popen would: flush() writes every byte
        self.stdin = io.BufferedWriter(raw_in) if isinstance(raw_in, io.FileIO) else None
        raw = _Patient(self.process.stdout, self) if hasattr(select, "poll") else None
        self.stdout = io.BufferedReader(raw or self.process.stdout)

    def stop(self) -> None:
        """End git, which we may have stopped reading early, quietly (no BrokenPipe noise)."""
        for stream in (self.stdin, self.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # BrokenPipeError: git reads no more commands
                    stream.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


class _Patient(io.RawIOBase):
    """git's output, each read waiting at most PATIENCE seconds for git to write."""

    def __init__(self, raw: io.FileIO, git: Git) -> None:
        self.raw, self.git = raw, git
        self.ready = select.poll()  # any descriptor, where select() stops at 1024
        self.ready.register(raw.fileno(), select.POLLIN)

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.raw.fileno()

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        if not self.ready.poll(PATIENCE * 1000):
            self.git.process.kill()
            raise no_answer(self.git.git_dir, self.git.command)
        return self.raw.readinto(buffer)

    def close(self) -> None:
        self.raw.close()
        super().close()
