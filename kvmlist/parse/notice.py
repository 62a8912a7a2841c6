"""Maintainers' "applied" notices in a reply's own words: who applied what, to which tree.

Three shapes: a classic notice line (``Applied to kvmarm/next, thanks!``), a b4 thank-you
listing (``[1/9] title`` + ``commit: <sha>``; pwcli's ``<sha> title`` lines under a notice)
and a kernel.org patchwork bot's summary.
Quoted (``>``) lines never count. docs/review.md has the rules.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from kvmlist.models import Person
from kvmlist.parse.added_notice import added_notice
from kvmlist.parse.addresses import parse_address
from kvmlist.parse.commit_notice import commit_notice, is_commit_notice
from kvmlist.parse.content import STABLE_HEAD, TIP_HEAD, sent_by_bot
from kvmlist.parse.numbers import MAX_NAMED_PARTS, NUMBERS, named_numbers
from kvmlist.parse.reply import unquoted_lines
from kvmlist.parse.subject import parse_subject
from kvmlist.parse.tree_name import short_repository, tree_named

# Applied to kvmarm/next, thanks!   |   Thanks, applied.   |   Queued for kvm/master, thanks.
# Committed to 2025.02.x, thanks.   (buildroot's committers, and other projects' that commit)
# Taken into for-next, thanks.
RE_NOTICE = re.compile(
    r"^(?:thanks,?\s+)?(?:applied|queued|pushed|merged|picked up|committed|taken)\b([^\n]{0,200})$",
    re.IGNORECASE,
)
# https://git.kernel.org/pub/scm/linux/kernel/git/broonie/sound.git for-next   (a repository
# and its branch on a line of their own, below "Applied to": the path after the host and
# kernel.org's /pub/scm/linux/kernel/git/, and the branch)
RE_REPOSITORY_LINE = re.compile(
    r"(?:https?|git)://[^\s/]{1,100}/(?:pub/scm/)?(?:linux/kernel/git/)?([^\s/]\S{0,200}?)/?"
    r"\s+([\w./+-]{1,80})"
)
# has been applied to the asoc tree at   (Mark Brown's notice before b4: "The patch" or "The
# patches", the titles, this line, then the repository and its branch: RE_REPOSITORY_LINE)
RE_APPLIED_TREE_AT = re.compile(r"^(?:has|have) been applied to the [\w.+-]{1,40} tree at$")
#: The lines above RE_APPLIED_TREE_AT's where its "The patch" is looked for.
MAX_TREE_AT_TITLES = 12
# Words a notice sentence may open with: "OK, " | "Great, thanks. " | "Thanks Alex, " | "FWIW, "
RE_OPENING_WORDS = re.compile(
    r"(?:(?:ok(?:ay)?|great|anyway|fwiw|so|sure|now|thanks|thank you|many thanks)"
    r"(?:,?\s+(?-i:[A-Z])[\w-]+)?[,.!:;]*\s+)*",
    re.IGNORECASE,
)
# The same, and thanks for what or to whom, as committers open a notice with them: "Thanks
# for the patch, " | "Thanks for the patch and review, " | "Thanks a lot, " | "Thanks
# everyone, " | "And " (not for a retraction: "Thanks for the review, dropped." is code)
RE_NOTICE_OPENING_WORDS = re.compile(
    r"(?:(?:ok(?:ay)?|great|anyway|fwiw|so|sure|now|and|thank you|(?:many )?thanks)"
    r"(?:\s+(?:a lot|so much|very much|again|everyone|everybody|all|both))?"
    r"(?:\s+for\s+(?:the|your|this|these|all the)\s+(?:patch(?:es|set)?|fix(?:es)?|reviews?"
    r"|series|update|v\d+)(?:\s+(?:and|&|\+)\s+(?:the\s+)?(?:reviews?|patch(?:es)?|fix(?:es)?))?)?"
    r"(?:,?\s+(?-i:[A-Z])[\w-]+)?[,.!:;]*(?:\s+-)?\s+)*",
    re.IGNORECASE,
)
# A sentence that says the patches were applied: "Applied to clk-next" | "Series applied" |
# "Both now queued up" | "I've now queued this for 5.4" | "Patch 2 applied" | "1-2 applied" |
# "Both patches have been applied to bluetooth-next" | "3 patches applied" | "All 5 patches"
# | "Patches [1-2/3] applied" | "All patches in the series applied"
RE_NOTICE_SENTENCE = re.compile(
    r"(?P<first>(?:I|we)(?:'ve| have)?\s+(?:(?:now|just|also|finally|already)\s+)*)?"
    r"(?:(?:(?:the\s+|both\s+|all\s+)?(?:(?:\d{1,4}|two|three|four|five|six)\s+)?"
    r"(?:series|patch(?:es)?|patchset|set|backports?)"
    r"(?:\s+\[?#?\d[\d,&+ /\]\[-]*(?:and\s+\[?\d[\d/\]]*)?)?"
    r"(?:\s+(?:of|in) (?:this|the) series)?\s+|\[?#?\d[\d,&+ /\]\[-]*(?:and\s+\[?\d[\d/\]]*)?\s+"
    r"|both\s+(?:now\s+)?|(?:these|this one|this|it|all)\s+|(?=(?:it|this)'s\s))"
    r"(?:(?:has|have)\s+(?:(?:now|just|also|already)\s+)?been\s+"
    r"|(?P<passive>is\s+|are\s+|(?:it|this)'s\s+))?)?"
    r"(?:(?:now|been)\s+)?"
    r"(?P<verb>applied|queued(?: up)?|pushed(?: out)?|merged|picked(?: up)?|committed|taken)\b"
    r"(?P<rest>.*)",
    re.IGNORECASE,
)
# the patches a notice names as its object: "it", "this", "the series", "both"...
_OBJECTS = (
    r"it|this|these|them|the (?:series|patch(?:es)?|set|last|first|two)|patch(?:es)?|series"
    r"|both|all"
)
# What "I applied" must go on with to be a notice: what or where ("I have applied" + a list
# of commits it was tested with is a test report)
RE_NOTICE_OBJECT = re.compile(
    rf"\s*(?:(?:{_OBJECTS}|v\d|\d|your (?:series|patch))\b|(?:to|into|for|as)\b|[,.!;])",
    re.IGNORECASE,
)
# What a bare "picked" must go on with ("Picked the latter approach" is a choice)
RE_PICKED_OBJECT = re.compile(rf"\s+(?:{_OBJECTS})\b", re.IGNORECASE)
# What a "taken" must go on with: where, or the end of the clause ("Taken, thanks!", "I've
# taken this into tty-next"; not "taken care of", "taken this approach", "taken a look")
RE_TAKEN_OBJECT = re.compile(
    rf"(?:\s+(?:{_OBJECTS}|two|three|four|five|patch(?:es)?|series|\[?#?\d[\d,&+/\]-]*)){{0,4}}"
    r"(?:\s+(?:now|too|as well))?"
    r"\s*(?:[,.!;]|$|(?:to|into|in|for|via|through|as)\s)",
    re.IGNORECASE,
)
# ", now queued up"   (a notice told as a clause after another: "That worked, now queued up")
RE_NOW_CLAUSE = re.compile(
    r",\s+(?=now\s+(?:applied|queued|pushed|merged|picked up|committed)\b)", re.IGNORECASE
)
# The end of a sentence ("Thanks Alex. I've queued this")
RE_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<!\s)\s+--\s+")
# I will leave this in kvm/queue   (a sentence after a notice that says where the patches
# are: its subject the maintainer, its object the patches)
RE_SAME_PATCHES = re.compile(
    r"(?:I|we)(?:'ll|'ve| will| have)?\s+(?:\w+\s+){0,2}?(?:this|it|them|these)\s+"
    r"(?:in|into|to)\s",
    re.IGNORECASE,
)
# The end of a notice's first clause ("Applied to next, with a fix")
RE_CLAUSE_END = re.compile(r"[,;(]|:(?=\s|$)| but | and | which | so ")
# The same, where patch numbers are read: a "," or "and" before a number goes on with the
# list ("Queued 1-20 and 22-28", "Applied 1, 2 and 4"), "all but" with the patches named
RE_NUMBERS_CLAUSE_END = re.compile(
    r"[;(]|:(?=\s|$)|,(?!\s*#?\d)|(?<!all) but | and (?!#?\d)| which | so "
)
# The same, where the tree is read: a branch in parentheses goes on with it ("Applied to
# misc/kernel.git (drm-misc-fixes)."), any other "(" ends the clause; so does "and" a verb
# ("Applied and pushed to drm-misc-next"); a number as posted goes on with the list as a
# bare one does ("Applied [1/5] and [3/5] to for-next": RE_OF_TOTAL)
RE_TREE_CLAUSE_END = re.compile(
    r";|\((?![\w.\-/]{1,80}\))|:(?=\s|$)|,(?!\s*\[?#?\d)|(?<!all) but | which | so "
    r"| and (?!\[?#?\d|(?:applied|queued|pushed|merged|picked|committed|squashed|folded)\b)"
)
# pushed v2 | pushed a new v3   (an author's new version, pushed to their branch or posted;
# a notice that pushes a version names the tree: "Pushed v2 to drm-misc-next")
# thanks for the review   (a notice opening so names its tree: else it is as often an author
# taking a reviewer's suggestions, "Thanks for the review, applied all of them.")
# thanks for the patch   (a notice opening so, tree-less from the series' own author, is as
# often the author taking a reviewer's fix: grouping.acceptance)
RE_THANKS_FOR = re.compile(r"\bthanks?(?: you)?(?:\s+\w+){0,3}?\s+for\b", re.IGNORECASE)
RE_REVIEW_THANKS = re.compile(r"\bfor (?:the|your|all the) reviews?\b", re.IGNORECASE)
# v6.12-rc1 | v6.13   (a release: "The series is merged in v6.12-rc1" tells history)
RE_RELEASE = re.compile(r"v\d")
RE_PUSHED_VERSION = re.compile(r"\s+(?:(?:a|an|the)\s+)?(?:new\s+)?v\d+\b", re.IGNORECASE)
# A clause of a sentence that is no notice: a local test, a plan, an updated branch,
# somebody else's tree ("The series has been merged to Marc's next branch": a report)...
RE_NOT_NOTICE_CLAUSE = re.compile(
    r"\b(?:locally|on top|for a (?:spin|ride)|a stab|a look|an? updated?|a (?:temp )?branch"
    r"|something|my own|my (?:github|gitlab)|the below|fixup|suggest\w*|comments?"
    r"|(?:for|in|into|to) v\d+\b(?!\.\d)|(?:to|into|in) \w+'s\b"
    r"|next (?:version|revision|iteration|spin|respin|posting|round))|\?",
    re.IGNORECASE,
)
# to my tree | into our CI | to all patches | into patch 3 | into 3/5 | into my v3 | here
# (a place that is no tree, where an author takes a review or a tester a fix; not "to my
# kvm-next branch", nor a change made on the way: "with a small tweak to the commit message")
RE_NOT_TREE_PLACE = re.compile(
    r"\b(?:to|into|in|on|for)\s+(?:(?:my|our|your|the|a)\s+)?(?:own\s+)?(?:local|working"
    r"|downstream|internal|vendor|distro|android|board|setup|machine|ci|github|gitlab|fork"
    r"|kernel\.org|all|both|each|every|patch(?:es)?|series|commit(?!\s+(?:message|log|title))"
    r"|v\d+(?![\w\-/]|\.\w)|\d+/\d+(?![\w\-/]|\.\w)|(?:original|first|last|previous|same|whole)\s+(?:patch|series|commit)"
    r")\b|\b(?:my|our)\s+(?:own\s+)?(?:tree|branch|kernel|series|repo|fork|github|gitlab|local"
    r"|working|ci|setup|board|machine|v\d+)\b|\bhere\b"
    r"|\b(?:to|into|in)\s+(?:the|my|our)\s+(?:[\w-]+\s+)?kernel\b"
    r"|\b(?:to|into|in)\s+(?:[\w-]+\s+)?CI\b",
    re.IGNORECASE,
)
# with minor fixups | with a couple of fixups   (a change made on the way: not a fixup
# applied, as an author takes one into the series)
RE_WITH_FIXUPS = re.compile(
    r"\bwith\s+(?:(?:a|an|some|the|minor|small|few|trivial|tiny|couple|of)\s+){0,4}fixups?\b",
    re.IGNORECASE,
)
# your Reviewed-by | the tags | Rob's Acked-by   (what "Picked up" takes when the series'
# author collects a reviewer's trailers: bookkeeping, no patch applied)
RE_TAG_OBJECT = re.compile(
    r"\s+(?:(?:your|the|his|her|their|all|both|[\w-]{1,40}'s)\s+)?"
    r"(?:[a-z]{2,12}-by\b|tags?\b|trailers?\b|acks?\b|r-?bs?\b)",
    re.IGNORECASE,
)
# next-20250106   (a linux-next tag: where a tester applies a patch, never a maintainer)
RE_TESTED_BASE = re.compile(r"(?:linux-)?next-\d{8}\b", re.IGNORECASE)
# I get the following warning | it fails to build | causes a build failure | no regressions
# | ran the selftests | all pass | the issue is still there | but then dropped again
# (a tester's result in the sentence that says where they applied the patch, or the patch
# taken back: "Applied to for-next, but then dropped again because of a build failure.")
RE_TEST_RESULT = re.compile(
    r"\b(?:I|we)\s+(?:(?:now|still|also)\s+)?(?:get|got|see|saw|hit|observed?)\b"
    r"|\bno\s+(?:new\s+)?(?:regressions?|issues?|problems?|failures?|warnings?)\b"
    r"|\bfail(?:s|ed|ing)?\s+to\s+(?:build|compile|boot|link)\b|\b(?:build|boot)\s+fail(?:s|ed)\b"
    r"|\bcaus(?:es|ed|ing)\s+(?:\w+\s+){0,3}?(?:failure|breakage|regression|warning|crash|splat"
    r"|error)s?\b|\bran\s+(?:\w+\s+){0,2}?\w*tests?\b|\ball\s+(?:tests?\s+)?pass(?:ed|es)?\b"
    r"|\bstill\s+(?:there|present|happens|occurs|reproduces|see|hangs|crashes|fails)\b"
    r"|\bbut\s+then\s+(?:dropped|reverted|removed)\b|\bdropped\s+(?:it\s+|them\s+)?again\b",
    re.IGNORECASE,
)
# already | by Jakub   (in a passive "has been applied" sentence: a report of somebody's
# acceptance, "This has already been applied to net-next by Jakub", not the sender's)
RE_SOMEBODY_ELSES = re.compile(r"\balready\b|\bby\s+(?-i:[A-Z])", re.IGNORECASE)
# Merged for 6.13 already | Already merged   ("merged" and "already" in a sentence without
# its sender as subject: a report that the patch got in before, by whoever merged it; not
# "Queued this one already, thanks." nor "I've already merged this", a maintainer's own)
RE_MERGED_ALREADY = re.compile(
    r"\bmerged\b[^!?\n]{0,80}\balready\b|\balready\s+(?:been\s+)?merged\b", re.IGNORECASE
)
# this branch | the branch   (what "pushed out" takes in a status: "I've now pushed out this
# branch[1], containing the three patches in isolation")
RE_PUSHED_BRANCH = re.compile(r"\s+(?:this|that|the|a)\s+branch\b", re.IGNORECASE)
# it fixes the crash | works for me | works fine | the warning is gone | now it compiles | no more
# splats | Tested-by:   (a tester's report, in the notice's sentence or the next)
RE_TEST_REPORT = re.compile(
    r"\b(?:works?(?:\s+(?:fine|well|again|now|for\s+me))|for me|(?:is|are)\s+gone"
    r"|(?:went|goes)\s+away|it fixes|fixes it|compiles?|no more|splats?"
    r"|tested-by)\b",
    re.IGNORECASE,
)
# will be in v3 | will send v3 | part of v3 | I'll respin   (the author's next version: the
# change went into the series, not a tree)
RE_LATER_VERSION = re.compile(
    r"\b(?:will|I'll|we'll)\s+(?:\w+\s+){0,3}?(?:(?:the|a)\s+)?(?:v\d+\b(?!\.\d)|respin"
    r"|repost|resend|next (?:version|revision|iteration|spin|posting))"
    r"|\bpart of (?:the\s+)?v\d+\b(?!\.\d)",
    re.IGNORECASE,
)
# I also applied patch "selftests: x"   (another patch, named by its title: a tester's setup)
RE_TITLE_OBJECT = re.compile(r"\s+(?:the\s+)?patch(?:es)?\s+[\"'`]", re.IGNORECASE)
# test | tested | testing   (a test word: "Applied for testing, will report back" is a
# tester's; not a name holding one, "usb-testing", "test-next", nor a branch called testing:
# "pushed out as testing for 0-day", "the testing branch of iio.git")
TEST_WORD = r"(?<![\w-])(?:test|tested|(?<!as )testing(?!\s+(?:branch|tree)\b))(?![\w-])"
# A sentence that reports a test ("applied ... on v5.10-rc2", "verified", "boots"; not a
# branch called testing: "pushed out as testing for 0-day", "the testing branch of iio.git",
# "usb-testing", "test-next"), another patch applied
# ("I applied v2 instead"; not "to for-next instead of for-linus") or one undone
# ("Reverted, sorry. Applied by mistake.")
RE_NOT_NOTICE_SENTENCE = re.compile(
    r"\b(?:locally|verified|cleanly|boots?|reverted|mistake|mistakenly|accidentally)\b"
    rf"|{TEST_WORD}"
    r"|\binstead\b(?!\s+of\b)"
    r"|\b(?:applied|picked|committed|taken)\b[^.]{0,40}\bon (?:top|v?\d|linux|mainline|next-\d)",
    re.IGNORECASE,
)
# A sentence that is no "added" notice: a question or a condition ("I added it to mm-new,
# is that OK?", "I added it to mm-new unless someone objects")
RE_NOT_ADDED_SENTENCE = re.compile(r"\?|\b(?:if|unless|once|when|whether)\b", re.IGNORECASE)
# A token with "/" or ":" inside (a tree or a link): no test word in it counts
# ("for-next/tests"; "instead:" is a word)
RE_PATH_TOKEN = re.compile(r"(?<!\S)[^\s/:]*[/:]\S+")
# Queued patches 1-5 | Applied patch 2 | Queued 3+5 | Queued 1-20 and 22-28 | Patches 1-2
# applied | 1-2 applied | patches 3 and 4 of this series applied (the list ends where the
# clause or sentence does, or at a word that goes on with a notice: "1-2, 4 needs a respin"
# names 1-2)
RE_PATCH_NUMBERS = re.compile(
    r"(?:\bpatch(?:es)?\s+"
    r"|\b(?:applied|queued(?: up)?|pushed|merged|picked(?: up)?|committed|taken)\s+(?:and\s+)?|^)"
    rf"({NUMBERS})\b(?!\.\d|\s*patch)"
    r"(?=\s*(?:$|[,.;:!)]|(?:to|into|for|on|in|as|and|now|with|thanks?|of th(?:is|e) series)\b"
    r"|\s+(?:(?:have|has) been\s+)?(?:applied|queued|pushed|merged|picked|committed|taken)\b))",
    re.IGNORECASE,
)
# as 0123456789ab | as commit 0123456789ab   (the commit a notice says the patch became:
# "Committed as 0123456789ab, thanks."; the shape RE_SHA's, as b4's "commit:" lines give it)
RE_AS_COMMIT = re.compile(r"\bas\s+(?:commit\s+)?([0-9a-f]{12,40})\b")
# [1/3] | 1/3 | [1-2/3]   (patches named as posted, with the series' size: the number or range
# before the "/" is what a notice names: "Applied [1/3] and [3/3]", "Patches [1-2/3] applied")
RE_OF_TOTAL = re.compile(r"(?<![\w./-])\[?(\d{1,4}(?:-\d{1,4})?)/\d{1,4}\]?(?!\w|/|\.\w)")
# the first two | first two cleanups | the first patch only | the last patch   (patches at
# the series' head or tail; "all but the last one", "everything except (for) the last patch",
# "apart from the last two" leave them out)
LEAVING_OUT = r"(?:all\s+but|except(?:\s+for)?|apart\s+from)\s+(?:the\s+)?"
RE_END_PATCHES = re.compile(
    rf"\b(?P<but>{LEAVING_OUT})?(?P<end>first|last)\s+(?:(?P<count>one|two|three|four|five"
    r"|six|seven|eight|nine|ten|\d{1,2})\b(?!/)|(?:patch|fix|cleanup|change|commit)\b)"
    rf"|\b{LEAVING_OUT}(?P<lone_end>first|last)\b",
    re.IGNORECASE,
)
COUNTS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# all but the last one | the last two | the first patches | the rest needs work | the other
# two | the third one needs a respin   (some patches only, which ones not said in numbers)
RE_SOME_ONLY = re.compile(
    r"\ball but\b|\b(?:the\s+)?(?:first|last)\s+(?:(?:few|couple|\w+)\s+)?(?:ones?|patch(?:es)?"
    r"|two|three|four|five|\d)\b|\bthe\s+(?:rest(?!\s+of\b(?!\s+(?:the|this)\s+(?:series|patch|set)))"
    r"|others|remaining\s+(?:ones?|patch(?:es)?|\w+)"
    r"|other\s+(?:ones?|two|three|patch(?:es)?))\b"
    r"|\b(?:second|third|fourth|fifth|sixth|other)\s+(?:one|patch)\b",
    re.IGNORECASE,
)
# ... apart from patch 12 | minus #17 | except 3 and 4
RE_LEFT_OUT = re.compile(
    rf"\b(?:apart from|except(?: for)?|minus|but|without)\s+(?:patch(?:es)?\s+)?({NUMBERS})"
    rf"\b(?!\.\d)",
    re.IGNORECASE,
)
# [1/9] KVM: arm64: Add trap routing for GMID_EL1   (b4 numbers the entries as they were posted)
RE_LISTED = re.compile(r"^\[(\d{1,4})/(\d{1,4})\]\s+(\S.*)$")
# "      commit: 0123456789ab", or a link to it (b4's thanks-commit-url-mask), with or
# without the key: "      https://git.kernel.org/arm64/c/0123456789ab" (or ".../commit/?id=...",
# "https://github.com/kvm-x86/linux/commit/0123456789ab")
RE_COMMIT = re.compile(
    r"^\s+(?:commit:\s+(?:https?://\S*[/=])?|https?://\S*[/=])([0-9a-f]{7,40})\b"
)
# Patch applied to ath-next branch of ath.git, thanks.   |   3 patches applied to wireless.git
# (pwcli's notice line, above its listing)
RE_PWCLI_HEAD = re.compile(r"^(?:patch|\d{1,4} patches) applied to \S", re.IGNORECASE)
# 0123456789ab wifi: ath12k: add foo   (an entry of a pwcli listing under a wireless
# maintainer's notice: the commit and the patch's title; not a commit named with its title
# quoted, 0123456789ab ("x: y"), as in a list of dependencies)
RE_PWCLI_ENTRY = re.compile(r"^([0-9a-f]{12,40}) (?![(\"'])(\S.{0,300})$")
#: A verb every notice line holds (RE_NOTICE's; "picked" for "picked up"; "added" for
#: added_notice's).
NOTICE_VERBS = ("applied", "queued", "pushed", "merged", "picked", "committed", "added", "taken")
#: Letters re's case folding takes for ASCII ones (İ, ı, ſ, the Kelvin sign) and lower()
#: does not turn into them: a text holding one is searched as RE_NOTICE would match it.
FOLDED_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
# applied|queued|...   (the verbs as RE_NOTICE matches them, for a text holding such a letter)
RE_NOTICE_VERB = re.compile("|".join(NOTICE_VERBS), re.IGNORECASE)
# to the 6.12-stable tree which can be found at:
RE_STABLE_TREE = re.compile(r"^to the (\S+-stable) tree\b")
# to my usb git tree which can be found at   (the same script's note for Greg KH's own trees,
# usb, tty, staging, char-misc: the repository on the next line, then its branch)
RE_OWN_TREE = re.compile(r"^to my [\w.+-]{1,40} git tree which can be found at$")
# in the usb-testing branch.
RE_OWN_BRANCH = re.compile(r"^in the ([\w./+-]{1,80}) branch\.?$")
# The following commit has been merged into the x86/urgent branch of tip:
RE_TIP_HEAD = re.compile(rf"^{re.escape(TIP_HEAD)}(\S+) branch of (\S+):$")
# Commit-ID:     0f1e2d3c...   |   Committer:     Borislav Petkov (AMD) <bp@alien8.de>
RE_TIP_FIELD = re.compile(r"^([A-Z][\w-]{1,20}):\s+(\S.{0,300})$")
RE_SHA = re.compile(r"[0-9a-f]{12,40}")
#: The fields of the tip bot's head (Commit-ID, Gitweb, Author, AuthorDate, Committer...).
MAX_TIP_FIELDS = 12
# This series was applied to netdev/net-next.git (main)   (a kernel.org patchwork bot's notice;
# "This patch was applied to ..." for one patch, "This pull request ..." for a pull request)
RE_BOT_HEAD = re.compile(
    r"^This (series|patch|pull request) was applied to (\S+(?: \([^()]{1,100}\))?)$"
)
# by Jakub Kicinski <kuba@kernel.org>:   (the line after the bot's head: who applied it)
RE_BOT_BY = re.compile(r"^by (\S.{0,300}):$")
#   - [net-next,v2,1/2] ice: Remove unused ice_blink_led   (an entry of the bot's summary;
# patchwork's prefixes in brackets, none for a lone patch without any)
RE_BOT_LISTED = re.compile(r"^  - (?:\[[^\[\]]*\] )?(\S.*)$")
#     https://git.kernel.org/netdev/net-next/c/59ec698d01eb   (the entry's commit; an entry
# left out says "(no matching commit)")
RE_BOT_COMMIT = re.compile(r"^    https?://\S+/c/([0-9a-f]{7,40})$")
# words that turn "applied" into a test report rather than an acceptance (not in a tree's
# name: "Thanks, applied to test-next.") (and "for v3": an author taking a reviewer's fix
# into the next version of the series)
RE_NOT_ACCEPTANCE = re.compile(
    r"(?<![\w-])(?:test|tested)(?![\w-])|\b(?:top of|locally|cleanly|for v\d+\b(?!\.\d))\b",
    re.IGNORECASE,
)
# (TEST_WORD, in the notice line's own sentence: "Applied for testing, thanks!" is a
# tester's; "Queued, thanks.  I will leave this in kvm/queue after testing everything" is not)
RE_TEST_WORD = re.compile(TEST_WORD, re.IGNORECASE)


class Said(NamedTuple):
    """What a notice's words say: the tree ("" for none), the words from the verb on,
    whether thanks for what open them ("Thanks for the patch, applied.") and whether their
    line thanks at all ("Applied, thanks.")."""

    tree: str
    text: str
    thanked_for: bool
    thanks: bool


class Listed(NamedTuple):
    """One entry of a listing: a patch's title and its commit, and for a b4 thank-you mail
    the ``[number/total]`` the patch was posted as."""

    title: str
    commit: str
    number: int | None = None
    total: int | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """An "applied" notice: the tree it names (None when none), the entries of a b4 listing or
    of the patchwork bot's summary, and the patch numbers a sentence names."""

    tree: str | None
    #: an entry per ``[i/N] title`` + ``commit: sha`` pair of a b4 thank-you mail (or
    #: ``sha title`` line of pwcli's), or per patch a patchwork bot's summary (or the tip
    #: bot's note) links to a commit
    listed: tuple[Listed, ...]
    #: who applied the patches, when the notice names somebody other than its sender (the
    #: patchwork bot's "by" line)
    applied_by: Person | None = None
    #: the patch numbers a notice names ("Queued patches 1-5", "the first two"); empty when
    #: it names none; counted from the series' end when negative ("the last patch": -1)
    numbers: tuple[int, ...] = ()
    #: the patch numbers it leaves out ("apart from patch 12"; "all but the last one": -1)
    left_out: tuple[int, ...] = ()
    #: whether its sentence opens with thanks for what ("Thanks for the patch, applied.")
    thanked_for: bool = False
    #: whether its line thanks at all ("Applied, thanks."; not a signature's "Thanks,")
    thanks: bool = False
    #: whether it says only some patches were applied without naming them in numbers ("all
    #: but the last one"): it never credits the whole series
    partial: bool = False
    #: the commit its sentence says the patch became ("Applied as 0123456789ab"), or None
    commit: str | None = None


def applied_notice(body: str, sender: Person | None = None, subject: str = "") -> Notice | None:
    """Return the "applied" notice a reply's body is, or None when it is none.

    A bot's or script's template (the stable note, tip-bot2's, the patchwork bot's) counts
    only from its ``sender`` (content.sent_by_bot): from anybody else the body is read as
    any reply is, so that nobody's words name another as who applied a patch. With the
    mail's ``subject``, a commit hook's mail (kvmlist.parse.commit_notice) lists its commit
    under its title, applied by its sender."""
    pushed = _commit_notice(subject, body) if subject else None
    if pushed is not None:
        return pushed
    stable, tip = sent_by_bot("stable", sender), sent_by_bot("tip", sender)
    if (stable and STABLE_HEAD in body) or (tip and TIP_HEAD in body):  # a note, as written
        lines = [line for line in body.split("\n") if not line.startswith(">")]
        templated = (stable and _stable_notice(lines)) or (tip and _tip_notice(lines)) or None
        if templated is not None:
            return templated
    # a notice holds a verb (RE_NOTICE's and RE_NOTICE_SENTENCE's) or lists commits
    # (RE_COMMIT, whose links end ".../c/<sha>" or "...?id=<sha>"): most replies do neither
    commits = _lists_commits(body)
    if not commits and not _has_a_verb(body):
        return None
    lines = [line for line in body.split("\n") if not line.startswith(">")]
    if "was applied to" in body and sent_by_bot("patchwork", sender):
        bot_notice = _bot_notice(lines)
        if bot_notice is not None:
            return bot_notice
    said, own = None, []
    if _has_a_verb("\n".join(lines)):  # not only in quoted lines
        own = list(unquoted_lines(body))
        said = _classic_notice(lines) or _sentence_notice(own) or _added_notice(own)
        if said is None and "been applied to the " in body:
            said = _tree_at_notice(own)
    listed = tuple(_listed(lines)) if commits else ()
    if said is None and not listed:
        return None
    if said is None:
        return Notice(None, listed)
    listed = listed or tuple(_pwcli_listed(own))
    tree, clause, thanked_for, thanks = said
    numbers, left_out = _patch_numbers(clause)
    partial = not numbers and not left_out and RE_SOME_ONLY.search(clause) is not None
    named = RE_AS_COMMIT.search(RE_SENTENCE_END.split(clause, maxsplit=1)[0])
    return Notice(
        tree or None,
        listed,
        numbers=numbers,
        left_out=left_out,
        thanked_for=thanked_for,
        thanks=thanks,
        partial=partial,
        commit=named.group(1) if named else None,
    )


def _commit_notice(subject: str, body: str) -> Notice | None:
    """The notice of a commit hook's mail: its commit, listed under the commit's title (the
    subject's when the body gives none), and its tree; None for any other mail."""
    if not is_commit_notice(subject, body):
        return None
    pushed = commit_notice(body)
    if pushed is None or not pushed.commit:
        return None
    title = pushed.title or parse_subject(subject).title
    return Notice(pushed.tree, (Listed(title, pushed.commit),)) if title else None


def noticed_patch(subject: str, body: str) -> tuple[str, Person] | None:
    """Return the title and author of the patch a script's or hook's notice names: the
    commit's of a commit hook's mail, else those it quotes (quoted_patch_head); None when
    it names no patch with both."""
    if is_commit_notice(subject, body):
        pushed = commit_notice(body)
        title = (pushed.title if pushed else None) or parse_subject(subject).title
        if pushed is None or pushed.author is None or not title:
            return None
        return title, pushed.author
    return quoted_patch_head(body)


def _lists_commits(text: str) -> bool:
    """True when text may hold a line RE_COMMIT matches."""
    return "commit:" in text or "/c/" in text or "?id=" in text or "/commit/" in text


def _has_a_verb(text: str) -> bool:
    """True when text holds a notice verb (as the notice patterns find it): one search for
    each in the lower-cased text, which is where re's case folding finds them unless the
    text holds a letter of FOLDED_TO_ASCII."""
    if not text.isascii() and any(letter in text for letter in FOLDED_TO_ASCII):
        return RE_NOTICE_VERB.search(text) is not None
    lowered = text.lower()
    return any(verb in lowered for verb in NOTICE_VERBS)


def _classic_notice(lines: list[str]) -> Said | None:
    """Return the tree ("" for none) and the text of the first line that starts with a
    notice verb and thanks (RE_NOTICE), or None when no line does."""
    for line in lines:
        match = RE_NOTICE.match(line.strip())
        if not match or "thank" not in line.lower():
            continue
        own = RE_SENTENCE_END.split(line.strip(), maxsplit=1)[0]  # not "Thanks, applied. I see"
        if RE_NOT_ACCEPTANCE.search(line) or _reported(own):
            continue
        if RE_TEST_WORD.search(RE_PATH_TOKEN.sub("PATH", own)):
            continue  # "Applied for testing, thanks! Will report back."
        if not _taken_where(match):
            continue  # "Taken care of, thanks."
        if RE_TEST_REPORT.search(RE_PATH_TOKEN.sub("PATH", line)):
            continue  # "Thanks, applied, works for me.": a tester's
        tree = notice_tree(match.group(1))
        if RE_TAG_OBJECT.match(match.group(1)) or _tested(tree, own):
            continue  # "Picked up your Reviewed-by, thanks.", "Applied to linux-next, I get"
        return Said(tree, line.strip(), False, True)
    return None


def _tested(tree: str, sentence: str) -> bool:
    """Whether a notice-like sentence tells where a tester applied a patch: a linux-next
    tag for its tree (RE_TESTED_BASE) or a result in the sentence (RE_TEST_RESULT)."""
    return bool(RE_TESTED_BASE.match(tree)) or RE_TEST_RESULT.search(sentence) is not None


def _reported(sentence: str) -> bool:
    """Whether a notice-like sentence without its sender as subject reports a patch merged
    before (RE_MERGED_ALREADY)."""
    return "already" in sentence.lower() and RE_MERGED_ALREADY.search(sentence) is not None


def _taken_where(match: re.Match[str]) -> bool:
    """Whether a notice line RE_NOTICE matched, if its verb is "taken", goes on as a notice
    (RE_TAKEN_OBJECT)."""
    verb_end = match.start(1)
    if not match.string[:verb_end].lower().endswith("taken"):
        return True
    return RE_TAKEN_OBJECT.match(match.group(1)) is not None


def notice_tree(rest: str) -> str:
    """The tree the rest of a notice names ("" for none), for a notice line and a notice
    sentence alike: in the first clause of the notice's own sentence, with the branch in
    parentheses right after it (RE_TREE_CLAUSE_END), or in the next sentence when that one
    says where the patches are ("I will leave this in kvm/queue"), never in one about
    something else ("The dts patch needs to go to Bjorn")."""
    own, *later = RE_SENTENCE_END.split(rest, maxsplit=2)
    tree = tree_named(RE_TREE_CLAUSE_END.split(own, maxsplit=1)[0])
    if not tree and later and RE_SAME_PATCHES.match(later[0]):
        tree = tree_named(later[0])
    return tree


def _sentence_notice(lines: list[str]) -> Said | None:
    """Return the tree ("" for none) and the text of the first sentence that says the
    patches were applied, within the first three of a paragraph (the reply's own lines),
    and whether it opens with thanks for what (RE_THANKS_FOR), or None when none does (see
    RE_NOTICE_SENTENCE and the patterns of what is none)."""
    for at, sentence, start in opening_sentences(lines):
        match = RE_NOTICE_SENTENCE.match(sentence, start)
        if match is None:
            clause = RE_NOW_CLAUSE.search(sentence, start)
            if clause is None:
                continue
            match = RE_NOTICE_SENTENCE.match(sentence, clause.end())
            if match is None:
                continue
        rest = match.group("rest")
        below = _tree_below(lines, at) if rest.rstrip().endswith((" to", " into")) else ""
        rest = f"{rest.rstrip()} {below}" if below else rest
        if _is_notice(match, rest, sentence, _sentence_after(lines, at, sentence)):
            repository = RE_REPOSITORY_LINE.fullmatch(below)
            if repository is not None:  # as the patchwork bot names one: "netdev/net.git (main)"
                named = f"{repository.group(1)} ({repository.group(2)})"
            else:
                named = notice_tree(rest)
            said = sentence[match.start() : match.start("rest")] + rest
            thanked_for = RE_THANKS_FOR.search(sentence, 0, match.start()) is not None
            return Said(named, said, thanked_for, "thank" in lines[at].lower())
    return None


def _sentence_after(lines: list[str], at: int, sentence: str) -> str:
    """The sentence after one on line ``at``: on that line, else the paragraph's next."""
    text = lines[at].strip()
    following = text[text.find(sentence) + len(sentence) :].strip()
    if not following and at + 1 < len(lines):
        following = lines[at + 1].strip()
    return RE_SENTENCE_END.split(following, maxsplit=1)[0]


def _added_notice(lines: list[str]) -> Said | None:
    """Return the tree ("" for none) and the text of the first sentence that says the
    patches were added to a tree ("Thanks, I added this series to mm.git"), where
    _sentence_notice looks, or None when none does (added_notice has the grammar; a
    question, a condition or a test is none)."""
    previous = (-1, "")
    for at, sentence, start in opening_sentences(lines):
        before, previous = (previous[1] if previous[0] == at else ""), (at, sentence)
        text = sentence[start:]
        if "added" not in text.lower() or RE_NOT_ADDED_SENTENCE.search(sentence):
            continue
        # thanks open the sentence, or are all the one before says ("Thanks.  I added it")
        opening = sentence[:start] + (before if RE_OPENING_WORDS.fullmatch(f"{before} ") else "")
        thanked = "thank" in opening.lower()
        if text.rstrip().endswith((" to", " into")):
            text = f"{text.rstrip()} {_tree_below(lines, at)}"
        said = added_notice(text, thanked=thanked)
        if said and not RE_NOT_NOTICE_SENTENCE.search(RE_PATH_TOKEN.sub("PATH", sentence)):
            return Said(*said, False, thanked)
    return None


def _tree_at_notice(lines: list[str]) -> Said | None:
    """Return the tree and the words of Mark Brown's notice before b4 ("The patch", its
    title, "has been applied to the spi tree at", the repository and its branch), or None."""
    for at, line in enumerate(lines):
        if not RE_APPLIED_TREE_AT.match(line.strip()):
            continue
        below = [other.strip() for other in lines[at + 1 : at + 3] if other.strip()]
        repository = RE_REPOSITORY_LINE.fullmatch(below[0]) if below else None
        above = lines[max(0, at - MAX_TREE_AT_TITLES) : at]
        if repository and any(other.strip() in ("The patch", "The patches") for other in above):
            tree = f"{repository.group(1)} ({repository.group(2)})"
            return Said(tree, line.strip(), False, False)
    return None


def _tree_below(lines: list[str], at: int) -> str:
    """What names the tree of a notice that ends with "to" on line ``at``: the next line,
    or after a blank line a repository and its branch (RE_REPOSITORY_LINE); else ""."""
    following = [line.strip() for line in lines[at + 1 : at + 3]]
    if following and following[0]:
        return following[0]
    if len(following) == 2 and RE_REPOSITORY_LINE.fullmatch(following[1]):
        return following[1]
    return ""


def opening_sentences(lines: list[str]) -> Iterator[tuple[int, str, int]]:
    """Yield the first three sentences of each paragraph of a reply's own lines, where a
    notice sentence is looked for: each with its line's index and where it starts after
    its opening words (RE_OPENING_WORDS: "OK, ", "Great, thanks. ")."""
    for at, line in enumerate(lines):
        text = line.strip()
        if not text or not _starts_paragraph(lines, at):
            continue
        for sentence in RE_SENTENCE_END.split(text, maxsplit=2)[:3]:
            opening = RE_NOTICE_OPENING_WORDS.match(sentence)
            yield at, sentence, opening.end() if opening else 0


def _starts_paragraph(lines: list[str], at: int) -> bool:
    """True when a line opens a paragraph of the reply's own lines (or follows "wrote:")."""
    if at == 0:
        return True
    before = lines[at - 1].strip()
    return not before or before.endswith("wrote:") or before in ("[...]", "...")


def _is_notice(match: re.Match[str], rest: str, sentence: str, after: str = "") -> bool:
    """Whether a sentence RE_NOTICE_SENTENCE matched tells an acceptance, not a test, a plan,
    a choice or an author's change to the series; ``after`` is the sentence that follows it
    ("Works for me.", "Will send v3 soon.")."""
    verb = match.group("verb").lower()
    if match.group("first") and not RE_NOTICE_OBJECT.match(rest):
        return False
    if verb == "picked" and not RE_PICKED_OBJECT.match(rest):
        return False
    if verb == "taken" and not RE_TAKEN_OBJECT.match(rest):
        return False
    if RE_TITLE_OBJECT.match(rest) or RE_TAG_OBJECT.match(rest):
        return False  # "I also applied patch 'x: y'", "Picked up your Reviewed-by"
    if verb.startswith("pushed") and RE_PUSHED_BRANCH.match(rest):
        return False  # "I've now pushed out this branch[1]": a status
    tree = notice_tree(rest)
    if _tested(tree, sentence):
        return False  # "Applied to next-20250106, this patch causes a build failure:"
    if "been" in sentence[: match.start("verb")] and RE_SOMEBODY_ELSES.search(sentence):
        return False  # "This has already been applied to net-next by Jakub": a report
    if not match.group("first") and _reported(sentence):
        return False  # "Merged for 6.13 already, see commit 0123456789ab.": a report
    if verb == "pushed" and RE_PUSHED_VERSION.match(rest) and not tree:
        return False  # "Thanks for the review, pushed v2 with the fixes": a new version
    if RE_REVIEW_THANKS.search(sentence, 0, match.start()) and not tree:
        return False
    if match.group("passive") and (not tree or RE_RELEASE.match(tree)):
        return False  # "It is merged already", "is merged in v6.12": a status, anybody's
    if verb == "merged" and rest.lstrip().lower().startswith("with"):
        return False  # one patch merged with another: a change to the series
    changed = RE_WITH_FIXUPS.sub("with changes", rest)  # "Applied with minor fixups."
    clause = RE_CLAUSE_END.split(RE_PATH_TOKEN.sub("PATH", changed), maxsplit=1)[0]
    if RE_NOT_NOTICE_CLAUSE.search(clause):
        return False
    if RE_NOT_TREE_PLACE.search(RE_TREE_CLAUSE_END.split(rest, maxsplit=1)[0]):
        return False  # "applied and pushed to my fork", "merged into patch 3"
    if not tree and RE_LATER_VERSION.search(f"{rest} {after}"):
        return False
    if RE_TEST_REPORT.search(RE_PATH_TOKEN.sub("PATH", f"{sentence} {after}")):
        return False
    return RE_NOT_NOTICE_SENTENCE.search(RE_PATH_TOKEN.sub("PATH", sentence)) is None


def _patch_numbers(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return the patch numbers a notice's text names in its first clause ("Queued patches
    1-5, thanks", "Applied [1/3] and [3/3]", "Applied the first two") and those it leaves
    out anywhere ("apart from patch 12")."""
    if "/" in text:
        text = RE_OF_TOTAL.sub(r"\1", text)
    left_out: set[int] = set()
    for found in itertools.islice(RE_LEFT_OUT.finditer(text), MAX_NAMED_PARTS):
        left_out |= named_numbers(found.group(1))
    first = RE_NUMBERS_CLAUSE_END.split(RE_LEFT_OUT.sub("", text), maxsplit=1)[0]
    numbers: set[int] = set()
    for found in itertools.islice(RE_PATCH_NUMBERS.finditer(first), MAX_NAMED_PARTS):
        numbers |= named_numbers(found.group(1))
    ends = RE_END_PATCHES.search(first)
    if ends is not None:
        (left_out if ends.group("but") or ends.group("lone_end") else numbers).update(_end(ends))
    return tuple(sorted(numbers - left_out)), tuple(sorted(left_out))


def _end(found: re.Match[str]) -> range:
    """The numbers of the patches RE_END_PATCHES found: 1, 2... from the head, -1 (the
    last), -2... from the tail."""
    word = (found.group("count") or "one").lower()
    count = int(word) if word.isdigit() else COUNTS.index(word) + 1
    head = (found.group("end") or found.group("lone_end")).lower() == "first"
    return range(1, count + 1) if head else range(-count, 0)


def _bot_notice(lines: list[str]) -> Notice | None:
    """Return the notice of a kernel.org patchwork bot's "This series was applied to ...",
    "by ...:" and its summary's entries that link to a commit; None for any other text."""
    found = bot_head(lines)
    if found is None:
        return None
    at, head, by = found
    listed = []
    for entry_line, link in itertools.pairwise(lines[at + 2 :]):
        entry, commit = RE_BOT_LISTED.match(entry_line), RE_BOT_COMMIT.match(link)
        if entry and commit:
            listed.append(Listed(entry.group(1).strip(), commit.group(1)))
    return Notice(head.group(2), tuple(listed), parse_address(by.group(1)))


def _stable_notice(lines: list[str]) -> Notice | None:
    """The note of the stable trees' script ("I've just added the patch titled", the title,
    "to the 6.12-stable tree"; or "to my usb git tree which can be found at", the repository,
    "in the usb-testing branch."), as a notice for the patch it answers; None for other text."""
    for at, line in enumerate(lines):
        if line.startswith(STABLE_HEAD):
            following = [other.strip() for other in lines[at + 1 : at + 8] if other.strip()]
            tree = RE_STABLE_TREE.match(following[1]) if len(following) > 1 else None
            if tree is not None:
                return Notice(tree.group(1), ())
            if len(following) < 4 or not RE_OWN_TREE.match(following[1]):
                return None
            branch = RE_OWN_BRANCH.match(following[3])
            repository = short_repository(following[2])
            return Notice(f"{repository} ({branch.group(1)})", ()) if branch else None
    return None


def _tip_notice(lines: list[str]) -> Notice | None:
    """The tip bot's note ("The following commit has been merged into the x86/urgent branch
    of tip:", its Commit-ID and Committer, then the commit's title), as a notice listing
    that commit; None for other text."""
    for at, line in enumerate(lines):
        head = RE_TIP_HEAD.match(line)
        if head is None:
            continue
        fields: dict[str, str] = {}
        rest = iter(lines[at + 1 :])
        for field_line in rest:  # a blank line, the fields, a blank line, the title
            field = RE_TIP_FIELD.match(field_line)
            if field is None and (fields or field_line.strip()):
                break
            if field is not None and len(fields) < MAX_TIP_FIELDS:
                fields[field.group(1)] = field.group(2)
        title = next((other.strip() for other in rest if other.strip()), "")
        commit = fields.get("Commit-ID", "")
        if not RE_SHA.fullmatch(commit) or not title:
            return None
        committer = parse_address(fields.get("Committer", ""))
        return Notice(f"{head.group(2)}/{head.group(1)}", (Listed(title, commit),), committer)
    return None


def quoted_patch_head(body: str) -> tuple[str, Person] | None:
    """Return the title and author of the patch a script's notice quotes (its first
    ``Subject:`` and ``From:`` lines: the stable trees' note, akpm's -mm note), or None
    when it quotes none with both."""
    title, author = "", None
    for line in body.split("\n"):
        if not title and line.startswith("Subject: "):
            title = line.removeprefix("Subject: ").strip()
        elif author is None and line.startswith("From: "):
            author = parse_address(line.removeprefix("From: "))
        if title and author is not None:
            return title, author
    return None


def bot_head(lines: list[str]) -> tuple[int, re.Match[str], re.Match[str]] | None:
    """Where a kernel.org patchwork bot's head is among lines: "This series (patch, pull
    request) was applied to TREE" and "by NAME:" on the next line. Return the first line's
    index and both matches (RE_BOT_HEAD's: what and tree; RE_BOT_BY's: who), or None."""
    for at, (line, following) in enumerate(itertools.pairwise(lines)):
        head = RE_BOT_HEAD.match(line)
        by = RE_BOT_BY.match(following) if head else None
        if head and by:
            return at, head, by
    return None


def _pwcli_listed(lines: list[str]) -> Iterator[Listed]:
    """The entries of a wireless maintainer's pwcli listing: the ``<sha> <title>`` lines
    (RE_PWCLI_ENTRY) after a blank line under pwcli's notice line (RE_PWCLI_HEAD)."""
    for at in range(2, len(lines)):
        below_notice = not lines[at - 1].strip() and RE_PWCLI_HEAD.match(lines[at - 2])
        if below_notice and RE_PWCLI_ENTRY.match(lines[at]):
            for line in itertools.takewhile(RE_PWCLI_ENTRY.match, lines[at:]):
                entry = RE_PWCLI_ENTRY.match(line)
                if entry is not None:
                    yield Listed(entry.group(2).strip(), entry.group(1))
            return


def _listed(lines: list[str]) -> Iterator[Listed]:
    for line, following in itertools.pairwise(lines):
        entry = RE_LISTED.match(line)
        commit = RE_COMMIT.match(following)
        if entry and commit:
            number, total = int(entry.group(1)), int(entry.group(2))
            yield Listed(entry.group(3).strip(), commit.group(1), number, total)
