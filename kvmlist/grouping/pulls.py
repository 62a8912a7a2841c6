"""Pull requests and their merges: which ``[GIT PULL]`` mails a maintainer pulled, or a
kernel.org bot saw merged, into which tree and as which commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeGuard

from kvmlist._arguments import check_messages
from kvmlist.grouping.answered import answered_among
from kvmlist.grouping.review import by_message_id
from kvmlist.models import Message, MessageKind, Patch, Person
from kvmlist.parse.pull_notice import MergeHow, merge_notice


@dataclass(frozen=True, slots=True)
class PullMerge:
    """One notice that a pull request was merged."""

    message_id: str  # of the notice
    date: datetime | None
    #: who says he pulled it, or whom the patchwork bot names; None for the pr-tracker-bot,
    #: which tells the merge, not its maker
    merged_by: Person | None
    tree: str | None  # "torvalds/linux.git", "kvm/queue"; None when the notice names none
    commit: str | None  # the merge commit, when the notice links it
    how: MergeHow  # "reply", "pr-tracker-bot" or "patchwork-bot"

    @property
    def by(self) -> str:
        """Who to show for the merge: the person's name (or address), else the bot (how)."""
        if self.merged_by is None:
            return self.how
        return self.merged_by.name or self.merged_by.email


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A pull request (a ``[GIT PULL]`` mail or one holding a request-pull text) and the
    notices that say it was merged, oldest first."""

    request: Message
    merges: tuple[PullMerge, ...] = ()

    @property
    def url(self) -> str | None:
        """The repository the request asks to pull from."""
        return self.request.pull_url

    @property
    def branch(self) -> str | None:
        """The branch or tag it names."""
        return self.request.pull_branch

    @property
    def merged(self) -> bool:
        """True when a notice says it was merged."""
        return bool(self.merges)

    @property
    def time_to_merge(self) -> timedelta | None:
        """From the request to the first notice of its merge; None when either is undated
        or nothing says it was merged."""
        if not self.merges or self.request.date is None or self.merges[0].date is None:
            return None
        return self.merges[0].date - self.request.date


def is_pull_request(message: Message) -> bool:
    """True for a new posting that asks to pull: kind "pull", or a cover letter (``[GIT PULL
    0/N]``) holding a request-pull text."""
    return message.kind == "pull" or (message.kind == "cover" and message.pull_url is not None)


def is_counted_patch_mail(message: Message) -> TypeGuard[Patch]:
    """True for a patch mail that the per-mail counts (``stats``, the report's rankings,
    newcomers, plots) take: a patch or a cover letter, but not a cover letter that carries a
    pull request (``[PATCH net-next 0/2][pull request]``): that is a pull request
    (:func:`is_pull_request`), as ``pulls`` and ``check`` say, and pull requests count as
    nobody's patch mail."""
    return isinstance(message, Patch) and not is_pull_request(message)


def counted_kind(message: Message) -> MessageKind:
    """The kind the counts give a mail: ``pull`` for a cover letter carrying a pull request
    (:func:`is_pull_request`), else its ``kind``; ``check`` counts by it and a DataFrame's
    ``kind`` column holds it, so that its ``patch`` and ``cover`` rows are the mails that
    :func:`is_counted_patch_mail` takes."""
    return "pull" if is_pull_request(message) else message.kind


def find_pull_requests(messages: Iterable[Message]) -> list[PullRequest]:
    """Return every pull request among messages, in input order, with its merge notices.

    A notice is a reply under the request (climbing through replies, not through another
    posting: a series or fix sent in its thread) from anybody but the request's sender: the
    pr-tracker-bot's "has been merged into", the patchwork bot's "This pull request was
    applied to" (each only from that bot), a sentence that opens with "Pulled" or "Merged",
    or an "applied" notice (:func:`kvmlist.parse.pull_notice.merge_notice`).
    """
    mails = list(check_messages(messages))
    by_id = by_message_id(mails)
    requests = {key: m for key, m in by_id.items() if is_pull_request(m)}
    # a posting in a request's thread that is none of its patches (the fixes resent as a
    # series, a fix): a notice under it answers that posting, not the request
    postings = {key for key, m in by_id.items() if _posted_apart(m, requests)}
    merges: dict[str, list[PullMerge]] = {message_id: [] for message_id in requests}
    for reply in by_id.values():  # a notice delivered twice is one merge
        if reply.kind != "reply":
            continue
        answered = answered_among(reply, by_id, requests.keys() | postings)
        if answered not in requests or reply.sender == requests[answered].sender:
            continue
        notice = merge_notice(reply.body, reply.sender)
        if notice is None:
            continue
        merges[answered].append(
            PullMerge(
                message_id=reply.message_id,
                date=reply.date,
                merged_by=reply.sender if notice.how == "reply" else notice.merged_by,
                tree=notice.tree,
                commit=notice.commit,
                how=notice.how,
            )
        )
    return [
        PullRequest(request, tuple(sorted(merges[message_id], key=_when)))
        for message_id, request in requests.items()
    ]


def _posted_apart(mail: Message, requests: dict[str, Message]) -> bool:
    """True for a posting that is neither a request nor a patch of a numbered one (``[PULL
    1/3]`` answering ``[PULL 0/3]``)."""
    if mail.kind == "cover":
        return mail.message_id not in requests
    if mail.kind != "patch":
        return False
    request = requests.get(mail.parent_id or "")
    return request is None or request.kind != "cover"


def _when(merge: PullMerge) -> tuple[bool, float]:
    """Sort key: dated notices by date, undated ones after them (in input order)."""
    return (merge.date is None, merge.date.timestamp() if merge.date else 0.0)
