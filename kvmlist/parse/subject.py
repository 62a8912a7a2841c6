"""Subject lines: reply/forward markers, leading [..] groups, version, index/total, title.

Grammar and its corner cases: ../shared/PEER-RULES.md, "Subject prefix grammar". Every regex
here has bounded repeats or a single character class, so a megabyte of hostile text is linear.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from kvmlist.models import stable_tree

# Re: | RE : | AW: | Re[2]: | SV: | 回复： | Fwd: | FW: | WG: | TR:
# "VS" means reply in Finnish but forward in Norwegian/Danish; it is read as a reply.
# "RV" (Spanish forward) is left out: "rv:" is the kernel's runtime-verification prefix.
RE_MARKER = re.compile(
    r"(?=[raosvyfwted回答])"  # a first-character filter: halves the cost of a miss
    r"(?:(?P<reply>re|aw|sv|antw|odp|vs|r|rif|ré|res|ynt|odg|回复|答复|回覆)"
    r"|(?P<forward>fwd|fw|wg|tr|enc|doorst|vb|vl))"
    r"(?:\[[0-9]{1,4}\])? ?[:：] ?",
    re.IGNORECASE,
)
# v2 | V10 | 3/9 | 03/12        (a whole token)
RE_NUMBERING = re.compile(
    r"v(?P<version>[0-9]{1,4})|(?P<index>[0-9]{1,4})/(?P<total>[0-9]{1,4})", re.IGNORECASE
)
# PATCH | PATCHv2 | PATCH1/8 | v2PATCH1/4 | PATCHES     (not "patchwork")
RE_GLUED_PATCH = re.compile(
    r"(?:v(?P<version>[0-9]{1,4}))?patch(?:es|set)?(?=$|[^a-z]|v[0-9])(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
# v5.1 | v2.3                    (a point revision: one patch replaced inside v5; but
#                                 "[PATCH stable v4.9 v2]" names a tree: models.stable_tree)
RE_POINT_VERSION = re.compile(r"v(?P<version>[0-9]{1,4})\.[0-9]{1,4}", re.IGNORECASE)
# Subject: [v2 PATCH 1/1] x      (a header name pasted into the value by a hurried sender)
RE_DOUBLED_SUBJECT = re.compile(r"subject: ?", re.IGNORECASE)
# RFCv2 | RESENDv3               (a whole token)
RE_FLAG_VERSION = re.compile(r"(?:rfc|resend)v(?P<version>[0-9]{1,4})", re.IGNORECASE)
# [[[PATCH] x                    (a run of stray opening brackets)
RE_BRACKET_RUN = re.compile(r"\[+")
# Re: [RFC PATCH v2 01/13] KVM: x    (the shape git format-patch makes; read in one go)
RE_COMMON_PREFIX = re.compile(
    r"(?P<reply>R[Ee]: )?\[(?P<rfc>RFC )?PATCH(?: v(?P<version>[0-9]{1,4}))?"
    r"(?: (?P<index>[0-9]{1,4})/(?P<total>[0-9]{1,4}))?\] (?![\[:])"
)
# Re: [Intel-wired-lan] [PATCH iwl-next v2 3/5]   (closed groups, each and the title apart)
RE_LEADING_GROUPS = re.compile(r"(?:R[Ee]: )?(?:\[[^\[\]]{1,200}\] ){1,8}")
# PATCH v2 1/3 title without end (tokens of a group that never closes)
RE_BARE_TOKEN = re.compile(r"[^\s,\[\]]+")
# net: dsa: fix thing (v3)       (matched from the last "(")
RE_TITLE_VERSION = re.compile(r" ?\(v(?P<version>[0-9]{1,4})\)", re.IGNORECASE)
# mm: x (was: mm: y) | x [was: y] | x (Was Re: [PATCH v2 0/4] y)   (matched from "(was"/"[was")
RE_WAS_SUFFIX = re.compile(
    r"\(was\b:?[ \t]*(?P<paren>[^()\n]{1,300})\)[ \t]*"
    r"|\[was\b:?[ \t]*(?P<bracket>[^\[\]\n]{1,300})\][ \t]*",
    re.IGNORECASE,
)
#: Real subjects carry a handful of leading groups; past this many, the rest is title.
MAX_GROUPS = 64


class SubjectInfo(NamedTuple):
    """What a subject line says about the mail it heads.

    A named tuple: immutable, and built five times faster than a frozen dataclass (every
    mail builds one); ``_replace`` gives a changed copy.
    """

    subject: str
    title: str
    is_reply: bool
    is_forward: bool
    is_patch: bool
    version: int
    index: int | None  # type: ignore[assignment]  # the field hides tuple.index
    total: int | None
    prefixes: tuple[str, ...]
    is_rfc: bool
    is_resend: bool
    is_pull_request: bool
    #: the subject names its version ("v1" included); False when ``version`` is the default 1
    versioned: bool


@dataclass(slots=True)
class _State:
    """What the leading markers and groups have said so far; the first version/index wins."""

    is_reply: bool = False
    is_forward: bool = False
    is_patch: bool = False
    is_rfc: bool = False
    is_resend: bool = False
    is_pull: bool = False
    version: int | None = None
    index: int | None = None
    total: int | None = None
    prefixes: list[str] = field(default_factory=list)
    group: Sequence[str] = ()  # the tokens of the closed group being read, until tree is read
    tree: str | None = None  # the stable tree they name

    def names_tree(self, token: str) -> bool:
        """Whether token (lower case: "v4.9") is the stable tree its group names; the group
        is read once, when a point-revision-like token first asks."""
        if self.group:
            self.tree, self.group = stable_tree(self.group), ()
        return self.tree is not None and self.tree == token[1:]


#: A patch tag whose opening bracket is missing: ``PATCH v4 00/11] title``.
RE_LOST_BRACKET = re.compile(r"(?:PATCH|RFC)\b[^\[\]]{0,60}\] ")


#: Subjects up to this long are read once per process (parse_subject); longer ones each time.
CACHED_SUBJECT_CHARS = 512


def parse_subject(subject: str) -> SubjectInfo:
    """Return what a decoded subject says: reply/forward, patch numbering, prefixes, title.

    A thread's replies repeat its subject: subjects up to CACHED_SUBJECT_CHARS long are read
    once (the result is immutable, so mails share it).
    """
    if len(subject) <= CACHED_SUBJECT_CHARS:
        return _cached_subject(subject)
    return _read_subject(subject)


def _read_subject(subject: str) -> SubjectInfo:
    text = " ".join(subject.split())
    common = RE_COMMON_PREFIX.match(text)  # starts "[" or "Re: [": neither check below can
    if common is not None and not text.endswith(")"):
        return _common_info(text, common)  # nearly every patch and its replies
    groups = RE_LEADING_GROUPS.match(text)
    if groups is not None and _title_stands_apart(text[groups.end() :]):
        info = _cached_groups(groups.group())  # the groups of a series' mails repeat
        return SubjectInfo(text, text[groups.end() :], *info[2:])
    return _read_general(text, common)


def _title_stands_apart(title: str) -> bool:
    """Whether the grammar reads a title after leading groups without looking into it: it
    opens no group, takes no ":" or marker after the groups, and ends in no "(v2)"."""
    return (
        not title.startswith(("[", ":"))
        and not title.endswith(")")
        and RE_MARKER.match(title) is None
    )


def _read_groups(groups: str) -> SubjectInfo:
    """What the grammar reads from leading groups (RE_LEADING_GROUPS), before any title."""
    text = groups + "x"  # a title that stands apart: the grammar reads it as any other
    return _read_general(text, RE_COMMON_PREFIX.match(text))


_cached_groups = functools.lru_cache(maxsize=4096)(_read_groups)


def _read_general(text: str, common: re.Match[str] | None) -> SubjectInfo:
    """The whole grammar, for a subject with its blanks normalised (RE_COMMON_PREFIX's
    match of it given)."""
    doubled = RE_DOUBLED_SUBJECT.match(text)
    if doubled is not None and text.startswith("[", doubled.end()):
        return _read_subject(text[doubled.end() :])._replace(subject=text)
    if RE_LOST_BRACKET.match(text):  # "PATCH v4 00/11] title": the "[" was lost in a hurry
        info = _read_subject("[" + text)
        if info.is_patch:
            return info._replace(subject=text)
        if not text.endswith(")"):
            return _plain(text)
        state = _State()  # no patch after all: only a "(v2)" to look for, as with "Re: "
        return _info(text, _strip_title_version(text, state), state)
    state = _State()
    if common is not None:
        pos = _read_common_prefix(common, state)
    elif text.startswith("[") or RE_MARKER.match(text) is not None:
        pos = _read_prefix(text, state)
    elif text.endswith(")"):
        pos = 0  # only a "(v2)" to look for
    else:
        return _plain(text)
    title = text[pos:].strip() if pos else text
    if title.endswith(")"):
        title = _strip_title_version(title, state)
    return _info(text, title, state)


_cached_subject = functools.lru_cache(maxsize=4096)(_read_subject)


def _read_common_prefix(match: re.Match[str], state: _State) -> int:
    """Return where the title starts after RE_COMMON_PREFIX, read as the general path would."""
    reply, rfc, version, index, total = match.groups()
    state.is_reply = reply is not None
    state.is_patch = True
    if rfc is not None:
        state.is_rfc = True
        state.prefixes.append("RFC")
    _set_numbering(state, version, index, total)
    return match.end()


def _common_info(text: str, match: re.Match[str]) -> SubjectInfo:
    """Return what :func:`_read_common_prefix` and :func:`_info` give for a subject of the
    RE_COMMON_PREFIX shape whose title ends in no ")" (so holds no "(v2)")."""
    reply, rfc, version, index, total = match.groups()
    first = last = None
    if index is not None and total is not None:
        first, last = int(index), int(total)
        last = max(first, last)  # a patch "3/2" gets total 3
    return SubjectInfo(
        text,
        text[match.end() :].strip(),
        reply is not None,
        False,
        True,
        1 if version is None else int(version),
        first,
        last,
        () if rfc is None else ("RFC",),
        rfc is not None,
        False,
        False,
        version is not None,
    )


def _skip_markers(text: str, pos: int, state: _State) -> int:
    """Return the position after the reply/forward markers (Re: AW: Fwd: ...) at pos."""
    match = RE_MARKER.match(text, pos)
    while match is not None:
        if match.group("reply") is not None:
            state.is_reply = True
        else:
            state.is_forward = True
        pos = match.end()
        match = RE_MARKER.match(text, pos)
    return pos


def _read_prefix(text: str, state: _State) -> int:
    """Return where the title starts, reading the leading markers and [..] groups into state."""
    pos = _skip_markers(text, 0, state)
    more, groups = True, 0
    while more and groups < MAX_GROUPS and text.startswith("[", pos):
        groups += 1
        pos, more = _read_group(text, pos, state)
        if text.startswith(" ", pos):
            pos += 1
        if not state.is_patch and state.index is None:
            # a list tag before the reply marker: "[virtio-dev] Re: [PATCH v8 2/7] x"
            pos = _skip_markers(text, pos, state)
    if groups and more and text.startswith(":", pos):
        pos += 2 if text.startswith(": ", pos) else 1  # "[Patch]: title"
    return pos


def _read_group(text: str, pos: int, state: _State) -> tuple[int, bool]:
    """Return the position after the group at pos, and whether more groups may follow."""
    if text.startswith("[[", pos):
        pos = _last_bracket(text, pos)
    limit = text.find("[", pos + 1)
    if limit < 0:
        limit = len(text)
    close = text.find("]", pos + 1, limit)
    if close >= 0:
        tokens = text[pos + 1 : close].replace(",", " ").split()
        state.group, state.tree = tokens, None
        _read_tokens(tokens, state, stop_at_unknown=False)
        state.group, state.tree = (), None
        return close + 1, True
    # no "]" before the next "[" or the end: keep the tokens we know, the title starts after them
    matches = list(RE_BARE_TOKEN.finditer(text, pos + 1, limit))
    used = _read_tokens([m.group() for m in matches], state, stop_at_unknown=True)
    if used < len(matches):
        return matches[used].start(), False
    return limit, True


def _last_bracket(text: str, pos: int) -> int:
    """Return the position of the last "[" in the run of them at pos."""
    run = RE_BRACKET_RUN.match(text, pos)
    return pos if run is None else run.end() - 1


def _read_tokens(tokens: Sequence[str], state: _State, *, stop_at_unknown: bool) -> int:
    """Return how many tokens were read; unknown ones become prefixes unless stop_at_unknown."""
    count = len(tokens)
    position = 0
    while position < count:
        token = tokens[position]
        if _read_token(token, state):
            position += 1
            continue
        step = _read_phrase(tokens, position, state)
        if step:
            position += step
            continue
        if stop_at_unknown:
            return position
        state.prefixes.append(token)
        position += 1
    return count


def _read_token(token: str, state: _State) -> bool:
    """Return whether token was a known marker (PATCH, version, i/N, RFC, RESEND, PULL)."""
    lower = token.lower()
    if lower == "patch":
        state.is_patch = True
        return True
    match = RE_NUMBERING.fullmatch(token) if lower[0] in "v0123456789" else None
    if match is not None:
        _set_numbering(state, *match.groups())
        return True
    if lower.startswith("-v"):  # "[PATCH -v2]": a version written as an option (Ingo Molnar)
        option = RE_NUMBERING.fullmatch(token, 1)
        if option is not None and option.group("version") is not None:
            _set_numbering(state, option.group("version"))
            return True
    if lower[0] == "v" and "." in lower:
        point = RE_POINT_VERSION.fullmatch(token)
        if point is not None:  # the series is v5; the token stays as a prefix to tell v5.1
            if not state.names_tree(lower):  # "[PATCH stable v4.9 v2]": a tree, no version
                _set_numbering(state, point.group("version"))
            state.prefixes.append(token)
            return True
    bare = lower.strip("()")  # "[PATCH V5 (RESEND) 0/4]": the tag is RESEND
    if bare.startswith(("rfc", "resend")):
        state.prefixes.append(token.strip("()"))
        state.is_rfc = state.is_rfc or bare.startswith("rfc")
        state.is_resend = state.is_resend or bare.startswith("resend")
        match = RE_FLAG_VERSION.fullmatch(token)
        if match is not None:
            _set_numbering(state, match.group("version"))
        return True
    if lower == "pull":
        state.is_pull = True
        state.prefixes.append("PULL")
        return True
    return "patch" in lower and _read_glued_patch(token, state)


def _read_phrase(tokens: Sequence[str], position: int, state: _State) -> int:
    """Return how many tokens a phrase at position took: "GIT PULL" 2, "1 of 3" 3, else 0."""
    if position + 1 == len(tokens):
        return 0
    token, following = tokens[position].lower(), tokens[position + 1].lower()
    if token == "git" and following == "pull":
        state.is_pull = True
        state.prefixes.append("GIT PULL")
        return 2
    if following == "of" and position + 2 < len(tokens):
        # Mercurial "[PATCH 1 of 3]", right after PATCH or opening the group ("[1 of 3]")
        match = RE_NUMBERING.fullmatch(f"{tokens[position]}/{tokens[position + 2]}")
        after_patch = position == 0 or tokens[position - 1].lower() == "patch"
        if match is not None and match.group("index") is not None and after_patch:
            _set_numbering(state, *match.groups())
            return 3
    return 0


def _read_glued_patch(token: str, state: _State) -> bool:
    """Return whether token is PATCH with something glued to it: PATCHv2, PATCH1/8, v2PATCH1/4,
    or a token joined by a dash or underscore, read as if it stood apart (qemu's
    ``PATCH-for-10.2``: the prefix ``for-10.2``; ``PATCH-v2``, ``PATCH_RFC``)."""
    match = RE_GLUED_PATCH.fullmatch(token)
    if match is None:
        return False
    state.is_patch = True
    _set_numbering(state, match.group("version"))
    rest = match.group("rest")
    if rest.startswith(("-", "_")):
        rest = rest.lstrip("-_")  # one level: "PATCH-PATCH-..." is no chain to follow
        if rest and ("patch" in rest.lower() or not _read_token(rest, state)):
            state.prefixes.append(rest)
        return True
    if rest:
        numbering = RE_NUMBERING.fullmatch(rest)
        point = RE_POINT_VERSION.fullmatch(rest) if numbering is None else None
        if numbering is not None:
            _set_numbering(state, *numbering.groups())
        else:
            state.prefixes.append(rest)  # "PATCHv2.3" -> "v2.3", as if it stood apart
        if point is not None:
            _set_numbering(state, point.group("version"))
    return True


def _set_numbering(
    state: _State, version: str | None, index: str | None = None, total: str | None = None
) -> None:
    """Store a version and an index/total (digit strings), unless found before."""
    if version is not None and state.version is None:
        state.version = int(version)
    if index is not None and total is not None and state.index is None:
        state.index, state.total = int(index), int(total)


def _strip_title_version(title: str, state: _State) -> str:
    """Return title without a "(v2)" suffix, taking the version from it if none was found."""
    start = title.rfind("(")
    if start > 0 and title[start - 1] == " ":
        start -= 1
    match = RE_TITLE_VERSION.fullmatch(title, max(start, 0))
    if match is None:
        return title
    _set_numbering(state, match.group("version"))
    return title[: match.start()].rstrip()


def renamed_title(title: str) -> tuple[str, str | None]:
    """Return a title without a trailing "(was: old title)" ("[was: ...]", "(was ...)") and the
    old title it names (the title of that subject: "Re: [PATCH] x" names "x"), or the title
    and None. A renamed posting says so; the title as sent (``Patch.title``) keeps it."""
    lowered = title.lower()
    start = max(lowered.rfind("(was"), lowered.rfind("[was"))
    match = RE_WAS_SUFFIX.fullmatch(title, start) if start > 0 else None
    if match is None:
        return title, None
    old = parse_subject((match.group("paren") or match.group("bracket")).strip()).title
    return title[:start].rstrip(), old or None


def _plain(text: str) -> SubjectInfo:
    """Return the SubjectInfo of a subject with no marker, no group and no "(vN)"."""
    return SubjectInfo(
        text, text, False, False, False, 1, None, None, (), False, False, False, False
    )


def _info(text: str, title: str, state: _State) -> SubjectInfo:
    """Return the SubjectInfo for a parsed subject; a patch "3/2" gets total 3."""
    index, total = state.index, state.total
    if index is not None and total is not None and index > total:
        total = index
    return SubjectInfo(  # positional: keywords cost a third more on this hot path
        text,
        title,
        state.is_reply,
        state.is_forward,
        state.is_patch or index is not None,
        1 if state.version is None else state.version,
        index,
        total,
        tuple(state.prefixes),
        state.is_rfc,
        state.is_resend,
        state.is_pull,
        state.version is not None,
    )
