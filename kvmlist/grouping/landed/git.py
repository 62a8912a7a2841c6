"""Running git on a tree the user names: argument lists only, no repository-supplied programs.

Every call goes through :func:`run_git`, which runs git with the options and environment of
kvmlist.sources._git (nothing a repository's own configuration names is run; external diff and
textconv drivers are turned off where the diff is made) and reports failures as one-line errors.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from kvmlist.errors import SourceError, UsageError
from kvmlist.sources._git import git_env, safe_options


class GitTreeError(SourceError):
    """The ``--git`` path is missing, not a git repository, or git failed on it."""


def check_tree(tree: str | os.PathLike[str]) -> Path:
    """Return the tree's path when it is a git repository; raise GitTreeError otherwise."""
    path = Path(tree)
    if not path.exists():
        raise GitTreeError(f"{tree}: no such git tree")
    done = _run(path, ("rev-parse", "--git-dir"), check=False)
    if done.returncode != 0:
        raise GitTreeError(f"{tree}: not a git repository")
    return path


def run_git(tree: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Return git's standard output; a failure is a GitTreeError (bad revisions: UsageError)."""
    done = _run(tree, args, stdin=stdin, check=False)
    return _output(tree, args, done)


class Background:
    """A git command running while Python does other work; :meth:`result` waits for it.

    Its output goes to a temporary file, not to a pipe that a thread of this process reads:
    that thread waited for the interpreter's lock after every read while this process
    parsed mails, and git waited on the full pipe (``git log -p`` of kvm-unit-tests beside a
    parse of kvmarm ended 0.12 s after the parse instead of within it).
    """

    def __init__(self, tree: Path, *args: str) -> None:
        self._tree, self._args = tree, args
        self._out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by result()
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - closed by result()
        try:
            self._process = subprocess.Popen(
                _command(tree, args), stdin=subprocess.DEVNULL, stdout=self._out,
                stderr=self._err, env=_env(),
            )  # fmt: skip
        except FileNotFoundError:
            self._close()
            raise GitTreeError("git is not installed") from None

    def result(self) -> bytes:
        """Return the command's standard output, raising as :func:`run_git` does."""
        try:
            returncode = self._process.wait()
            self._out.seek(0)
            self._err.seek(0)
            done = subprocess.CompletedProcess(
                self._args, returncode, self._out.read(), self._err.read()
            )
        finally:
            self._close()
        return _output(self._tree, self._args, done)

    def _close(self) -> None:
        self._out.close()
        self._err.close()


def _output(tree: Path, args: tuple[str, ...], done: subprocess.CompletedProcess[bytes]) -> bytes:
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        first = message[0] if message else f"exit status {done.returncode}"
        if "revision" in first or "ambiguous argument" in first:
            raise UsageError(f"git {args[0]} in {tree}: {first}")
        raise GitTreeError(f"git {args[0]} in {tree}: {first}")
    return done.stdout


def _run(
    tree: Path, args: tuple[str, ...], stdin: bytes | None = None, check: bool = False
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            _command(tree, args), input=stdin, capture_output=True, env=_env(), check=check
        )
    except FileNotFoundError:
        raise GitTreeError("git is not installed") from None


def _command(tree: Path, args: tuple[str, ...]) -> list[str]:
    return ["git", *safe_options(fetch=True), "-C", str(tree), *args]  # the user's remotes


def _env() -> dict[str, str]:
    return {**git_env(fetch=True), "LC_ALL": "C"}
