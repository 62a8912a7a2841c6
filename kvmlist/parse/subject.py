"""Subject lines: reply markers, bracket prefixes, version, index/total, title."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Re: | AW: | SV: | Antw: | Fwd: | Re[2]: | 回复:
RE_MARKER = re.compile(r"\s*([^\s\[\]:]{1,6}?)(?:\[\d{1,3}\])?\s*[:：]\s*")
REPLY_MARKERS = frozenset(
    {"re", "aw", "sv", "antw", "odp", "vs", "r", "rif", "ré", "res", "回复", "答复", "回覆"}
)
FORWARD_MARKERS = frozenset({"fwd", "fw", "wg", "tr", "enc", "doorst"})
# v2 | V10
RE_VERSION = re.compile(r"[vV](\d{1,4})")
# 3/9 | 03/12
RE_INDEX = re.compile(r"(\d{1,4})/(\d{1,4})")
# PATCHv2 | PATCH1/8 | v2PATCH1/4
RE_GLUED_PATCH = re.compile(r"(?i)(v\d{1,4})?patch(.*)")
# ... title (v2)
RE_VERSION_SUFFIX = re.compile(r"\s*\([vV](\d{1,4})\)\s*$")
RE_TOKEN_SPLIT = re.compile(r"[\s,]+")


@dataclass(frozen=True, slots=True)
class SubjectInfo:
    """What a subject line says about the mail it heads."""

    subject: str
    title: str
    is_reply: bool
    is_forward: bool
    is_patch: bool
    version: int
    index: int | None
    total: int | None
    prefixes: tuple[str, ...]
    is_rfc: bool
    is_resend: bool
    is_pull_request: bool


@dataclass(slots=True)
class _State:
    is_patch: bool = False
    version: int | None = None
    index: int | None = None
    total: int | None = None
    after_patch: bool = False
    pull: bool = False


def parse_subject(subject: str) -> SubjectInfo:
    """Return what a (decoded) subject line says: reply, patch, version, index, title."""
    text = " ".join(subject.split())
    pos, is_reply, is_forward = _strip_markers(text)
    state = _State()
    prefixes: list[str] = []
    while text.startswith("[", pos):
        end = text.find("]", pos)
        if end < 0:
            break
        _read_group(text[pos + 1 : end], state, prefixes)
        pos = end + 1
        while text.startswith(" ", pos):
            pos += 1
        pos, reply, forward = _strip_markers(text, pos)
        is_reply, is_forward = is_reply or reply, is_forward or forward
    rest = text[pos:]
    rest = rest.lstrip(":").strip() if rest.startswith(":") else rest
    match = RE_VERSION_SUFFIX.search(rest)
    if match:
        state.version = state.version or int(match.group(1))
        rest = rest[: match.start()]
    index, total = state.index, state.total
    if index is not None and total is not None and index > total:
        total = index
    return SubjectInfo(
        subject=text,
        title=rest.strip(),
        is_reply=is_reply,
        is_forward=is_forward,
        is_patch=state.is_patch or index is not None,
        version=state.version or 1,
        index=index,
        total=total,
        prefixes=tuple(prefixes),
        is_rfc=any(p.lower().startswith("rfc") for p in prefixes),
        is_resend=any(p.lower().startswith("resend") for p in prefixes),
        is_pull_request=state.pull,
    )


def _strip_markers(text: str, pos: int = 0) -> tuple[int, bool, bool]:
    """Return the position after leading reply/forward markers, and which kinds were there."""
    is_reply = is_forward = False
    while True:
        match = RE_MARKER.match(text, pos)
        if not match:
            return pos, is_reply, is_forward
        word = match.group(1).lower()
        if word in REPLY_MARKERS:
            is_reply = True
        elif word in FORWARD_MARKERS:
            is_forward = True
        else:
            return pos, is_reply, is_forward
        pos = match.end()


def _read_group(content: str, state: _State, prefixes: list[str]) -> None:
    """Read one bracket group's tokens into state and prefixes."""
    upper = " ".join(content.split()).upper()
    if upper in ("GIT PULL", "PULL") or upper.startswith(("GIT PULL ", "PULL ")):
        state.pull = True
        prefixes.append("GIT PULL" if upper.startswith("GIT") else "PULL")
        content = (
            content.split(None, 2)[2]
            if upper.startswith("GIT PULL ")
            else (content.split(None, 1)[1] if upper.startswith("PULL ") else "")
        )
    tokens = [t for t in RE_TOKEN_SPLIT.split(content) if t]
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if (
            token.lower() == "of"
            and state.after_patch
            and state.index is not None
            and position + 1 < len(tokens)
            and tokens[position + 1].isdigit()
        ):
            state.total = int(tokens[position + 1])
            position += 2
            continue
        _read_token(token, tokens, position, state, prefixes)
        position += 1


def _read_token(
    token: str, tokens: list[str], position: int, state: _State, prefixes: list[str]
) -> None:
    glued = RE_GLUED_PATCH.fullmatch(token)
    if glued:
        state.is_patch = state.after_patch = True
        if glued.group(1):
            state.version = int(glued.group(1)[1:])
        if glued.group(2):
            _read_token(glued.group(2), tokens, position, state, prefixes)
        return
    version = RE_VERSION.fullmatch(token)
    index = RE_INDEX.fullmatch(token)
    if version:
        state.version = int(version.group(1))
    elif index:
        state.index, state.total = int(index.group(1)), int(index.group(2))
    elif (
        token.isdigit()
        and state.after_patch
        and state.index is None
        and _of_follows(tokens, position)
    ):
        state.index = int(token)
    else:
        prefixes.append(token)


def _of_follows(tokens: list[str], position: int) -> bool:
    return position + 2 < len(tokens) and tokens[position + 1].lower() == "of"
