"""The tree a maintainer's notice names: ``to kvmarm/next``, ``to arm64 (for-next/ffa)``.

One grammar for every notice reader (applied, added, pulled); docs/review.md has the rules.
"""

from __future__ import annotations

import itertools
import re

# ... to kvmarm/next   |   ... for kvm/master   |   ... into next   |   ... to my xyz-next branch
# | ... to branch `for_paolo/6.1`   |   ... to arm64 (for-next/ffa): tree, then its branch
# (not a release: "to for-next (v6.14)"; "(6.14/scsi-fixes)" is one)
# | ... to mm.git's mm-unstable branch   |   ... to the mm tree
# (not "in patch 10" | "in the series"; after "the" only a name that reads as a tree:
# "to the mm-hotfixes branch", not "for the ACK" or "to the commit message"; no word that
# says whose or what kind of place it is: "to my local branch", "to github", "to all
# patches", "into my v3", "into 3/5", as authors and testers write)
RE_TREE = re.compile(
    r"\b(?:to|into|for|on|in)\s+"
    r"(?:(?:my|our|branch)\s+|the\s+(?=\w*(?:[.\-/:]\w|\d)|\w+\s+(?:branch|tree)\b))?[`'\"]?"
    r"(?!(?:now|later|patch(?:es)?|series|the|my|our|branch)\b)"
    r"(?!(?:your|their|his|her|own|local|working|downstream|internal|vendor|distro|android"
    r"|board|setup|machine|ci|github|gitlab|fork|kernel\.org|all|both|each|every|tree|here"
    r"|v\d+|\d+/\d+)(?![\w\-/]|\.\w))"
    r"(?P<tree>[\w.\-/:]+\w)"
    r"(?:#(?P<hashed>[\w.\-/]{0,80}\w)|'s\s+(?P<owned>\w(?:[\w.-]{0,40}\w)?)\s+branch\b"
    r"|[`'\"]?\s+(?:\((?P<branch>(?!v?\d+(?:\.\d+)*(?:-rc\d+)?\))[\w.\-/]{0,80}\w)\)|(?P<called>tree|branch)\b"
    r"(?:(?<=branch)\s+of\s+(?!(?:the|my|our|your|their|his|her|this|that|a|an|mine|ours)\b)"
    r"(?P<of>[\w.\-/:]+\w)(?![\w']))?))?",
    re.IGNORECASE,
)
# https://git.kernel.org/pub/scm/linux/kernel/git/hid/hid.git for-6.14/core   (a repository's
# URL and its branch after a space, as Mark Brown's notice writes them on a line of their own;
# not a word that goes on with the sentence: "... hid.git and pushed", "... hid.git for 6.14")
RE_URL_BRANCH = re.compile(
    r"[ \t]+(?!(?:and|or|for|to|into|in|on|as|at|via|with|now|too|also|but|so|which|then"
    r"|thanks?|the|a|an|today|tomorrow|soon|after|before|since|please)(?![\w./+-]))"
    r"([\w./+-]{0,80}\w)(?![\w/+-])",
    re.IGNORECASE,
)
# https://git.kernel.org/pub/scm/linux/kernel/git/broonie/spi.git   (a kernel.org repository's
# URL: the path after /pub/scm/linux/kernel/git/ names it, as b4 and the patchwork bot do)
RE_REPOSITORY_URL = re.compile(
    r"(?:https?|git)://[^\s/]{1,100}/(?:pub/scm/)?linux/kernel/git/([^\s/]\S{0,200}?)/?"
)
# mm-new | kvmarm/next | mm.git   (a name that can only be a tree: "to kvm_util.c" or "to
# differentiate" is where code went or why)
RE_TREE_SHAPE = re.compile(r"[\w.]*[-/][\w./-]*|[\w-]+\.git")
# kfence.rst | arm-smmu-v3.c   (a file, not a tree)
RE_FILE_NAME = re.compile(r"\.(?!git$)[A-Za-z]{1,4}$")
# v6.14 | 6.14 | 6.14-rc3   (a release: when, not where; "6.12.y" and "for-6.14" are trees)
RE_RELEASE_NAME = re.compile(r"v?\d+(?:\.\d+)+(?:-rc\d+)?", re.IGNORECASE)
#: How many "to <name>" of a text are read for one that is no release.
MAX_TREE_CANDIDATES = 4


def tree_named(text: str, *, at_start: bool = False, shaped: bool = False) -> str:
    """Return the tree the first "to <tree>" of text names ("" for none), with its branch
    when one follows in parentheses, as "<tree>'s <branch> branch", as "the <branch> branch
    of <tree>" or after a repository's URL and a space: "arm64 (for-next/ffa)", as a
    repository's is shown.

    ``at_start``: only a "to <tree>" that opens text counts. ``shaped``: only a name that
    can be nothing but a tree counts (one called a tree or branch, or with a "-" or "/" or
    ending in ".git"; no file, no directory), for a verb that also tells where code went
    ("I added it to ...").

    A release is no tree ("Queued for 6.14", RE_RELEASE_NAME): the next "to <tree>" is read
    ("Applied for v6.14 to kvmarm/next")."""
    if at_start:
        found = RE_TREE.match(text)
    else:
        candidates = itertools.islice(RE_TREE.finditer(text), MAX_TREE_CANDIDATES)
        found = next((one for one in candidates if not _release(one)), None)
    if found is None or _release(found):
        return ""
    tree = found.group("tree")
    if shaped and not found.group("called"):
        path_goes_on = text[found.end("tree") : found.end("tree") + 1] in ("/", "-")
        if path_goes_on or not RE_TREE_SHAPE.fullmatch(tree) or RE_FILE_NAME.search(tree):
            return ""
    branch = found.group("branch") or found.group("owned") or found.group("hashed")
    if found.group("of"):  # "the testing branch of iio.git"
        tree, branch = found.group("of"), tree
    elif not branch and "://" in tree:
        branch = _url_branch(text, found.end("tree"))
    tree = short_repository(tree)
    return f"{tree} ({branch})" if branch else tree


def _url_branch(text: str, at: int) -> str:
    """The branch after a repository's URL that ends at ``at`` in text (RE_URL_BRANCH), or ""
    (none, or a release: "when", not where)."""
    found = RE_URL_BRANCH.match(text, at)
    if found is None or RE_RELEASE_NAME.fullmatch(found.group(1)):
        return ""
    return found.group(1)


def _release(found: re.Match[str]) -> bool:
    """Whether what RE_TREE found is a release, without a branch named after it."""
    named = found.group("branch") or found.group("owned") or found.group("hashed")
    return not named and RE_RELEASE_NAME.fullmatch(found.group("tree")) is not None


def short_repository(text: str) -> str:
    """The repository a kernel.org URL names as a notice's tree: "broonie/spi.git" (its path
    after /pub/scm/linux/kernel/git/); text itself for any other (a GitHub URL stays whole)."""
    found = RE_REPOSITORY_URL.fullmatch(text)
    return found.group(1) if found else text
