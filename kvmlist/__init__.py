"""kvmlist: typed patches, series and contributor counts from kernel mailing-list archives.

>>> import kvmlist
>>> messages = list(kvmlist.read_mbox("kvm.mbox"))        # .gz/.xz/.bz2, a file object or "-"
>>> series = kvmlist.group_series(messages)
>>> kvmlist.count_by_domain(messages).most_common(15)
"""

from typing import TYPE_CHECKING

from kvmlist._lazy import lazy_names
from kvmlist._version import __version__
from kvmlist.errors import (
    KvmlistError,
    MboxFormatError,
    MessageParseError,
    SourceError,
    UsageError,
)

if TYPE_CHECKING:
    from kvmlist.analysis.aggregate import (
        Counts,
        count_by,
        count_by_author,
        count_by_domain,
        count_by_organisation,
        first_time_contributors,
    )
    from kvmlist.grouping.acceptance import Acceptance, find_acceptances
    from kvmlist.grouping.pulls import PullMerge, PullRequest, find_pull_requests
    from kvmlist.grouping.series import group_series, patch_mails
    from kvmlist.models import (
        Defect,
        Diffstat,
        FileChange,
        FileDiff,
        Message,
        Patch,
        Person,
        Prerequisite,
        ReviewTrailer,
        Series,
        Trailer,
    )
    from kvmlist.outputs.interop import to_b4, to_mbox
    from kvmlist.outputs.report import ReportRange, render_report
    from kvmlist.parse.message import parse_message
    from kvmlist.sources.reader import parse_raw, read, read_inbox, read_maildir, read_mbox

#: The public names but the errors and the version, imported on first use: ``import kvmlist``
#: loads neither pydantic nor the parser until a name needs them (docs/performance.md).
_LAZY = {
    "Defect": "kvmlist.models",
    "Diffstat": "kvmlist.models",
    "FileChange": "kvmlist.models",
    "FileDiff": "kvmlist.models",
    "Message": "kvmlist.models",
    "Patch": "kvmlist.models",
    "Person": "kvmlist.models",
    "Prerequisite": "kvmlist.models",
    "ReviewTrailer": "kvmlist.models",
    "Series": "kvmlist.models",
    "Trailer": "kvmlist.models",
    "parse_message": "kvmlist.parse.message",
    "Counts": "kvmlist.analysis.aggregate",
    "count_by": "kvmlist.analysis.aggregate",
    "count_by_author": "kvmlist.analysis.aggregate",
    "count_by_domain": "kvmlist.analysis.aggregate",
    "count_by_organisation": "kvmlist.analysis.aggregate",
    "first_time_contributors": "kvmlist.analysis.aggregate",
    "Acceptance": "kvmlist.grouping.acceptance",
    "find_acceptances": "kvmlist.grouping.acceptance",
    "PullMerge": "kvmlist.grouping.pulls",
    "PullRequest": "kvmlist.grouping.pulls",
    "find_pull_requests": "kvmlist.grouping.pulls",
    "group_series": "kvmlist.grouping.series",
    "patch_mails": "kvmlist.grouping.series",
    "to_b4": "kvmlist.outputs.interop",
    "to_mbox": "kvmlist.outputs.interop",
    "ReportRange": "kvmlist.outputs.report",
    "render_report": "kvmlist.outputs.report",
    "parse_raw": "kvmlist.sources.reader",
    "read": "kvmlist.sources.reader",
    "read_inbox": "kvmlist.sources.reader",
    "read_maildir": "kvmlist.sources.reader",
    "read_mbox": "kvmlist.sources.reader",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals(), subpackages=True)


__all__ = [
    "Acceptance",
    "Counts",
    "Defect",
    "Diffstat",
    "FileChange",
    "FileDiff",
    "KvmlistError",
    "MboxFormatError",
    "Message",
    "MessageParseError",
    "Patch",
    "Person",
    "Prerequisite",
    "PullMerge",
    "PullRequest",
    "ReportRange",
    "ReviewTrailer",
    "Series",
    "SourceError",
    "Trailer",
    "UsageError",
    "__version__",
    "count_by",
    "count_by_author",
    "count_by_domain",
    "count_by_organisation",
    "find_acceptances",
    "find_pull_requests",
    "first_time_contributors",
    "group_series",
    "parse_message",
    "parse_raw",
    "patch_mails",
    "read",
    "read_inbox",
    "read_maildir",
    "read_mbox",
    "render_report",
    "to_b4",
    "to_mbox",
]
