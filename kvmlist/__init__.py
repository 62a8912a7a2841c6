"""kvmlist: typed patches, series and contributor counts from kernel mailing-list archives.

>>> import kvmlist
>>> messages = list(kvmlist.read_mbox("kvm.mbox"))        # .gz/.xz/.bz2, a file object or "-"
>>> series = kvmlist.group_series(messages)
>>> kvmlist.count_by_domain(messages).most_common(15)
"""

from kvmlist._version import __version__
from kvmlist.analysis.aggregate import (
    Counts,
    count_by,
    count_by_author,
    count_by_domain,
    count_by_organisation,
    first_time_contributors,
)
from kvmlist.errors import (
    KvmlistError,
    MboxFormatError,
    MessageParseError,
    SourceError,
    UsageError,
)
from kvmlist.grouping.acceptance import Acceptance, find_acceptances
from kvmlist.grouping.series import group_series, patch_mails
from kvmlist.models import (
    Defect,
    Diffstat,
    FileChange,
    Message,
    Patch,
    Person,
    ReviewTrailer,
    Series,
    Trailer,
)
from kvmlist.outputs.interop import to_b4, to_mbox
from kvmlist.outputs.report import ReportRange, render_report
from kvmlist.parse.message import parse_message
from kvmlist.sources.reader import read, read_inbox, read_maildir, read_mbox

__all__ = [
    "Acceptance",
    "Counts",
    "Defect",
    "Diffstat",
    "FileChange",
    "KvmlistError",
    "MboxFormatError",
    "Message",
    "MessageParseError",
    "Patch",
    "Person",
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
    "first_time_contributors",
    "group_series",
    "parse_message",
    "patch_mails",
    "read",
    "read_inbox",
    "read_maildir",
    "read_mbox",
    "render_report",
    "to_b4",
    "to_mbox",
]
