"""The kvmlist command's options: one parser, a subparser per command, one-line errors."""

from __future__ import annotations

import argparse
from typing import Any

from kvmlist._version import __version__
from kvmlist.cli.insight_options import (
    add_git_option,
    add_identities,
    add_landed,
    add_mailmap,
    add_pulls,
    add_site,
    add_stalled,
    add_subsystems,
)
from kvmlist.cli.lore_options import add_lore_options
from kvmlist.cli.output import EXIT_USAGE
from kvmlist.cli.values import nonempty, positive, workers

DESCRIPTION = """\
Typed patches, series and contributor counts from Linux-kernel-style mailing-list archives.
SOURCE is an mbox file (read as mboxrd, as lore writes them: an mboxo reads the same but for
a body line ">>From" that loses one ">"; .gz, .xz and .bz2 are read transparently, zstd and
lz4 are not), one mail (.eml), a Maildir directory, a folder of .patch/.eml/.mbox files
(git format-patch -o), an Apple Mail X.mbox folder, a public-inbox directory, - for standard
input, or a Message-ID or lore URL (its thread).

Exit status: 0 done, 1 a problem was found in the input (check: mails lost, a mail with no
header (cut in two) or an entry skipped), 2 a usage error (a bad option, an unreadable input,
an unwritable output)."""

GROUPINGS = ["author", "domain", "organisation"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> Any:  # argparse's signature says NoReturn
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the kvmlist command."""
    parser = _Parser(
        prog="kvmlist",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kvmlist {__version__}")
    _add_quiet(parser, default=False)
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    _add_report(commands)
    series = commands.add_parser(
        "series", help="patch series found", description="List the patch series of an archive."
    )
    _add_source(series)
    _add_workers(series)
    _add_format(series, parquet=True)
    _add_fetch(commands)
    _add_review(commands)
    check = commands.add_parser(
        "check",
        help="count mails in and out, kinds, series and defects",
        description="Read an archive and say what is in it and what was odd; exit status 1 "
        "when it found mails lost, a mail with no header (cut in two) or an entry skipped "
        "(a folder's file that holds no mail, docs/sources.md).",
    )
    _add_source(check)
    check.add_argument("--format", choices=["table", "json"], default="table")
    _add_workers(check)
    _add_stats(commands)
    _add_plot(commands)
    add_landed(commands, _add_source, _add_format)
    add_stalled(commands, _add_source, _add_format, _add_workers)
    add_pulls(commands, _add_source, _add_format, _add_workers)
    add_subsystems(commands, _add_source, _add_format)
    add_site(commands, _add_source)
    return parser


def _add_report(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="the weekly list report", description="Render the weekly list report."
    )
    _add_source(report)
    report.add_argument(
        "--range",
        metavar="A..B",
        type=nonempty,
        help="for an mbox: name the period in the header (e.g. e5d776dd9..793f3e63a); "
        "with --inbox: the commit range to report (as --commits)",
    )
    report.add_argument(
        "--since-last",
        action="store_true",
        help="with --inbox: report what arrived since the last report, and remember this one",
    )
    report.add_argument(
        "--state", metavar="FILE", type=nonempty, help="where --since-last keeps its state"
    )
    report.add_argument(
        "--list-name", type=nonempty, help="the list's name in the header (default: from List-Id)"
    )
    report.add_argument("--top", type=positive, default=15, help="rows per ranking (default 15)")
    add_mailmap(report)
    add_git_option(report, "mark the postings that landed there")
    _add_workers(report)


def _add_fetch(commands: Any) -> None:
    fetch = commands.add_parser(
        "fetch",
        help="download a thread from lore",
        description="Download the thread of a Message-ID or lore URL as lore serves it: an "
        "mboxrd of every mail, replies included (git am reads it with --patch-format=mboxrd; "
        "kvmlist.to_mbox writes a series for plain git am).",
    )
    fetch.add_argument("source", metavar="MSGID-OR-URL")
    fetch.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=nonempty,
        help="write the mbox here (default, or -: stdout)",
    )
    _add_quiet(fetch)
    _add_lore_options(fetch)


def _add_review(commands: Any) -> None:
    review = commands.add_parser(
        "review",
        help="who reviews, and how long series wait",
        description="Per reviewer, the Reviewed-by/Acked-by/Tested-by trailers written in "
        "replies (each key for each person once per reply, a cover letter's counting once) "
        "and the replies; and "
        "the median times from a series' posting to its first answer (from somebody else "
        "than its author, not a robot), first credited review trailer and acceptance.",
    )
    _add_source(review)
    review.add_argument(
        "--top",
        type=positive,
        default=None,
        help="reviewers or groups to show (default: 15 in a table, all in csv or json)",
    )
    review.add_argument(
        "--freq",
        choices=["W", "M"],
        default=None,
        help="also give the medians per week (W) or month (M) of posting "
        "(with --format csv: only those rows)",
    )
    review.add_argument(
        "--by",
        choices=GROUPINGS,
        default=None,
        help="instead: the review economy per author, domain or organisation (patches posted, "
        "reviews given counted per patch: a tag under a cover letter counts once for each "
        "patch; share reviewed by another group, reviewer concentration)",
    )
    add_identities(review)
    _add_workers(review)
    add_git_option(review, "also the median time from v1 to the commit")
    _add_format(review, parquet=True)


def _add_stats(commands: Any) -> None:
    stats = commands.add_parser(
        "stats",
        help="patch mails per author, domain or organisation",
        description="Count patch mails.",
    )
    _add_source(stats)
    stats.add_argument("--by", choices=GROUPINGS, default="author")
    add_identities(stats)
    stats.add_argument("--top", type=positive, default=None, help="show only the N largest")
    _add_workers(stats)
    _add_format(stats, parquet=True)


def _add_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=workers,
        default=None,
        metavar="N",
        help="parse in N processes (default: one per core for an mbox file of 8 MB or more "
        "and for an --inbox, else 1); the result is the same",
    )


def _add_plot(commands: Any) -> None:
    plot = commands.add_parser(
        "plot",
        help="chart patch mails per period or the top contributors (PNG, SVG)",
        description="Draw a chart of patch mails; -o FILE names the image, its suffix "
        "(.png or .svg) the format. Needs kvmlist[plot] (matplotlib).",
    )
    _add_source(plot, output_help="the image to write: FILE.png or FILE.svg (required)")
    plot.add_argument(
        "--kind",
        choices=["per-period", "top"],
        default="per-period",
        help="per-period: stacked bars per week or month (default); top: the largest groups",
    )
    plot.add_argument("--by", choices=GROUPINGS, default="organisation")
    plot.add_argument(
        "--freq",
        choices=["W", "M"],
        default=None,
        help="with --kind per-period: bars per ISO week (W, default) or month (M)",
    )
    plot.add_argument(
        "--top",
        type=positive,
        default=None,
        help="groups shown (default 8 per period, the rest as Other; 15 for --kind top)",
    )
    add_identities(plot)


def _add_source(
    parser: argparse.ArgumentParser,
    *,
    output_help: str = "write the result to FILE instead of stdout (- is stdout)",
) -> None:
    parser.add_argument(
        "source",
        metavar="SOURCE",
        nargs="?",
        help="mbox file (or one mail), Maildir, folder of .patch/.eml/.mbox files, "
        "public-inbox directory, - (stdin), or a Message-ID or lore URL (its thread)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", type=nonempty, help=output_help)
    _add_quiet(parser)
    _add_lore_options(parser)
    archive = parser.add_argument_group("public-inbox archives (instead of SOURCE)")
    archive.add_argument(
        "--inbox", metavar="PATH", type=nonempty, help="a local public-inbox archive (v2 or v1)"
    )
    archive.add_argument(
        "--commits",
        metavar="A..B",
        type=nonempty,
        help="with --inbox: mails after commit A up to B (git range semantics, ids abbreviated)",
    )
    archive.add_argument(
        "--since", metavar="DATE", type=nonempty, help="with --inbox: arrived on or after DATE"
    )
    archive.add_argument(
        "--until", metavar="DATE", type=nonempty, help="with --inbox: arrived before DATE"
    )


def _add_quiet(parser: argparse.ArgumentParser, default: Any = argparse.SUPPRESS) -> None:
    # Accepted before and after the command; a subparser's SUPPRESS keeps the global value.
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default,
        help="no progress bars or notes on stderr (errors still print)",
    )


def _add_lore_options(parser: argparse.ArgumentParser) -> None:
    add_lore_options(parser)


def _add_format(parser: argparse.ArgumentParser, *, parquet: bool = False) -> None:
    choices = ["table", "json", "csv", "parquet"] if parquet else ["table", "json", "csv"]
    parser.add_argument(
        "--format",
        choices=choices,
        default="table",
        help="table (default), json, csv" + (", or parquet (needs -o FILE)" if parquet else ""),
    )
