"""Identities: git ``.mailmap`` files to merge aliases, and a domain -> organisation map.

Formats are documented in docs/identities.md. The organisation map ships a starter file for
the big kernel contributors (``kvmlist/data/organisations.txt``); your own files extend and
override it.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import string
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

from kvmlist._arguments import check_type
from kvmlist._utc import as_utc
from kvmlist.errors import UsageError
from kvmlist.models import Person

UNKNOWN = "(Unknown)"
# an organisation map's key: "arm.com", "uk.ibm.com", "jane.doe+kvm@gmail.com" (not "Acme")
RE_KEY = re.compile(r"[\w.+-]+(?:@[\w.-]+)?")
#: What people put between key and organisation by habit from other formats ("a.com = A").
SEPARATORS = "=:,"
# "R:\tJane Doe <jane@x.org>"   a MAINTAINERS field: a letter, a colon, a blank
RE_MAINTAINERS_FIELD = re.compile(r"[A-Z]:[ \t]")
#: Git folds the case of mailmap names and addresses in ASCII only.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
#: Domains whose addresses name no employer by their kind: free-mail providers, and the
#: kernel.org and linux.dev addresses kernel developers of every employer keep. Their users'
#: employer is unknown unless mapped, or named by the address a mailmap maps them to.
FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
        "qq.com", "163.com", "126.com", "foxmail.com", "protonmail.com", "proton.me",
        "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru", "icloud.com", "me.com",
        "free.fr", "orange.fr", "fastmail.com", "pm.me", "posteo.de", "kernel.org",
        "linux.dev", "mailbox.org", "posteo.net", "sina.com", "sina.cn", "sohu.com",
        "aliyun.com", "yeah.net", "139.com", "naver.com", "daum.net", "hanmail.net",
        "wanadoo.fr", "laposte.net", "sfr.fr", "libero.it", "seznam.cz", "wp.pl", "o2.pl",
        "interia.pl", "t-online.de", "bk.ru", "inbox.ru", "list.ru", "rambler.ru", "ya.ru",
        "ymail.com", "rocketmail.com", "aol.com", "msn.com", "mac.com", "zoho.com",
        "tutanota.com", "tuta.io", "fastmail.fm", "riseup.net", "disroot.org", "duck.com",
        "hey.com", "comcast.net", "btinternet.com",
    }
)  # fmt: skip
#: Providers with a domain per country ("yahoo.co.uk", "outlook.de", "gmx.at"): a domain
#: whose first label is one of these names no employer either.
FREE_MAIL_FAMILIES = frozenset({"yahoo", "hotmail", "outlook", "live", "yandex", "gmx"})


def names_no_employer(domain: str) -> bool:
    """Whether an address's domain names no employer by its kind (``FREE_MAIL``, or a
    country's domain of a ``FREE_MAIL_FAMILIES`` provider)."""
    return domain in FREE_MAIL or domain.partition(".")[0] in FREE_MAIL_FAMILIES


class MapLineSkipped(UserWarning):
    """Lines of a map file that map nothing (a mailmap line with no ``<address>``) were
    skipped; the warning names the file and the first such line."""


class Mailmap:
    """A git mailmap: maps the name/address a mail used to the person's canonical identity."""

    def __init__(self) -> None:
        self._by_email: dict[str, tuple[str, str]] = {}
        self._by_name_email: dict[tuple[str, str], tuple[str, str]] = {}

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Mailmap:
        """Return the mailmap a file in git's .mailmap format holds; a file of which no line
        maps an address (empty, or another kind of file) is a UsageError, and so is a file
        whose lines with an ``<address>`` are mostly MAINTAINERS fields (``R:<TAB>...``)."""
        lines = _lines_of(path, "mailmap")
        _refuse_maintainers(path, lines)
        mailmap = cls.parse(lines, source=os.fspath(path))
        if not (mailmap._by_email or mailmap._by_name_email):
            raise UsageError(f"{path}: no line maps an <address>: not a mailmap file")
        return mailmap

    @classmethod
    def parse(cls, lines: Iterable[str], *, source: str = "mailmap") -> Mailmap:
        """Return the mailmap of some lines (comments and blank lines ignored).

        A line with no ``<address>`` (or an unclosed ``<``) is skipped, as git skips it, with
        a MapLineSkipped warning naming ``source`` and the line."""
        mailmap = cls()
        skipped: list[int] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parsed = _mailmap_line(line)
            if parsed is None:
                skipped.append(number)
            else:
                mailmap._add(*parsed)
        if skipped:
            others = len(skipped) - 1
            more = f" (and {others:,} more line{'s' * (others > 1)})" if others else ""
            said = f"{source} line {skipped[0]}{more}: no <address>, not a mailmap line: skipped"
            warnings.warn(said, MapLineSkipped, stacklevel=2)
        return mailmap

    def _add(self, name: str, email: str, old_name: str | None, old_email: str | None) -> None:
        """Add a line as git does: an address's entry takes the name and the address a line
        gives each on its own (a later line fills in or replaces one, never wipes out the
        other); a line that names the old name too makes an entry of that name and address."""
        if old_email is None:  # "Proper Name <commit@x>": fixes the name only
            old_email, email = email, ""
        if old_name:
            self._by_name_email[(_fold(old_name), _fold(old_email))] = (name, email)
            return
        key = _fold(old_email)
        known_name, known_email = self._by_email.get(key, ("", ""))
        self._by_email[key] = (name or known_name, email or known_email)

    def resolve(self, person: Person) -> Person:
        """Return the canonical person for an identity (unchanged when not mapped)."""
        key = _fold(person.email)
        found = self._by_name_email.get((_fold(person.name), key)) or self._by_email.get(key)
        if found is None:
            return person
        name, email = found
        return Person(name=name or person.name, email=email or person.email)


def _refuse_maintainers(path: str | os.PathLike[str], lines: list[str]) -> None:
    """Refuse a MAINTAINERS file given as a mailmap: git would take its ``M:``/``R:`` lines,
    whose names would then read ``R:<TAB>Jane Doe``; one such line among mailmap lines is
    a mailmap line (git's reading), most of them are the wrong file."""
    addressed = [line for line in lines if "<" in line and not line.lstrip().startswith("#")]
    fields = sum(1 for line in addressed if RE_MAINTAINERS_FIELD.match(line))
    if fields * 2 > len(addressed):
        raise UsageError(
            f"{path}: {fields:,} of its {len(addressed):,} lines with an <address> are "
            "MAINTAINERS fields (R:<TAB>Name <address>): not a mailmap file, which maps the "
            "name and address a mail used to the person's own, one a line: "
            "Proper Name <proper@address> <address@used> (git's .mailmap format)"
        )


def _fold(text: str) -> str:
    """Fold ASCII case only, as git compares mailmap names and addresses ("Ö" is not "ö")."""
    return text.translate(_ASCII_LOWER)


class ShownPeople:
    """The ``Name <address>`` each table shows per address (lower-cased key), one rule for all:
    a person who posted patch mails as ``count_by_author`` shows them (their latest patch
    mail's name and address, as written: :meth:`posters`); anyone else by the name and the
    spelling of the address written most often for it (the first written of equals)."""

    __slots__ = ("_emails", "_names", "_posters")

    def __init__(self) -> None:
        self._names: dict[str, Counter[str]] = {}
        self._emails: dict[str, Counter[str]] = {}
        self._posters: dict[str, Person] = {}

    def add(self, person: Person) -> str:
        """Note a name and spelling written for an address; return its key (lower-cased)."""
        key = person.email.lower()
        self._emails.setdefault(key, Counter())[person.email] += 1
        names = self._names.setdefault(key, Counter())
        if person.name:
            names[person.name] += 1
        return key

    def posters(self, people: Iterable[Person]) -> None:
        """Show these people as given: ``count_by_author``'s keys."""
        self._posters.update((person.email.lower(), person) for person in people)

    def __contains__(self, key: object) -> bool:
        return key in self._posters or key in self._emails

    def person(self, key: str) -> Person:
        """Return the person shown for an address key (one :meth:`add` or :meth:`posters` gave)."""
        if key in self._posters:
            return self._posters[key]
        names = self._names[key]
        name = names.most_common(1)[0][0] if names else ""
        return Person(name=name, email=self._emails[key].most_common(1)[0][0])


def check_mailmap(mailmap: object) -> None:
    """Raise a TypeError unless ``mailmap`` is a Mailmap or None (a path is not read here)."""
    hint = "read a file with kvmlist.analysis.identities.Mailmap.from_file(path)"
    check_type(mailmap, (Mailmap, type(None)), "mailmap", "a Mailmap or None", hint)


def _mailmap_line(line: str) -> tuple[str, str, str | None, str | None] | None:
    """Split "Proper Name <proper@x> Commit Name <commit@x>" (any of the four forms)."""
    parts: list[tuple[str, str]] = []  # (name before "<", address inside <>)
    rest = line  # as git: "#" starts a comment only at a line's start ("Baz #2 <b@x>")
    while "<" in rest and len(parts) < 2:
        opening = rest.find("<")
        closing = rest.find(">", opening)
        if closing < 0:
            return None
        parts.append((rest[:opening].strip(), rest[opening + 1 : closing].strip()))
        rest = rest[closing + 1 :]
    if not parts:
        return None
    (name, email), second = parts[0], parts[1] if len(parts) > 1 else None
    return name, email, second[0] if second else None, second[1] if second else None


@dataclass(frozen=True, slots=True)
class _Entry:
    organisation: str
    until: date | None


class OrganisationMap:
    """E-mail domains and addresses -> organisations, with dated entries for job changes."""

    def __init__(self) -> None:
        self._entries: dict[str, list[_Entry]] = {}

    @classmethod
    def default(cls) -> OrganisationMap:
        """Return the bundled starter map."""
        text = resources.files("kvmlist.data").joinpath("organisations.txt").read_text("utf-8")
        return cls().extend(text.splitlines())

    def extend_from_file(self, path: str | os.PathLike[str]) -> OrganisationMap:
        """Add (and override with) the entries of a file; return self."""
        return self.extend(_lines_of(path, "organisation map"), source=os.fspath(path))

    def extend(self, lines: Iterable[str], *, source: str = "organisation map") -> OrganisationMap:
        """Add entries ("KEY ORGANISATION [< YYYY-MM-DD]", blanks or tabs between).

        The entries of one call replace all that earlier calls gave a key, dated or not (a
        user's ``xilinx.com AMD`` overrides the bundled dated Xilinx), and a domain's replace
        those earlier calls gave its sub-domains and addresses (a user's ``ibm.com`` covers the
        bundled ``linux.ibm.com``); within a call, dated
        entries add up and a later undated one replaces an earlier. A line that is not of
        that shape ("kernel.org = Linux Foundation") is a UsageError naming ``source`` and
        the line number.
        """
        named: set[str] = set()  # the keys this call has given entries
        for number, line in enumerate(lines, start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            key, _, rest = text.replace("\t", " ").partition(" ")  # gitdm's maps use tabs
            organisation, _, until = rest.partition("<")
            organisation = " ".join(organisation.split())
            where = f"{source} line {number}"
            if not organisation.strip():
                raise UsageError(f"{where}: no organisation for {key!r}")
            if not _is_key(key) or organisation.strip()[0] in SEPARATORS:
                raise UsageError(
                    f"{where}: {text!r} is not KEY ORGANISATION "
                    "(a domain or address, a blank or tab, the name: 'kernel.org Linux Foundation')"
                )
            entry = _Entry(organisation.strip(), _date(until.strip(), where) if until else None)
            if key.lower() not in named:
                named.add(key.lower())
                self._entries[key.lower()] = []
            entries = self._entries[key.lower()]
            if entry.until is None:
                entries[:] = [e for e in entries if e.until is not None]
            entries.append(entry)
        for covered in [k for k in self._entries if k not in named and _below(k, named)]:
            del self._entries[covered]  # a user's "ibm.com" says all about linux.ibm.com too
        return self

    def organisation(
        self, person: Person | None, when: datetime | None = None, *, mailmap: Mailmap | None = None
    ) -> str:
        """Return the organisation of a person at a time, or ``(Unknown)``: that of the address
        a mail came from, and with a mailmap, when that names none by its kind
        (``names_no_employer``: free mail, kernel.org, linux.dev), that of the address it maps
        to. The kernel's .mailmap maps old company addresses to today's: a mail from one still
        counts for that company, and one from a domain no entry covers (a startup's) for none."""
        found = self._organisation(person, when)
        if found == UNKNOWN and mailmap and person is not None and names_no_employer(person.domain):
            mapped = mailmap.resolve(person)
            if mapped is not person:
                found = self._organisation(mapped, when)
        return found

    def _organisation(self, person: Person | None, when: datetime | None) -> str:
        if person is None:
            return UNKNOWN
        found = self._lookup(person.email.lower(), when)
        if found:
            return found
        domain = person.domain
        if names_no_employer(domain) and domain not in self._entries:
            return UNKNOWN
        while domain:
            found = self._lookup(domain, when)
            if found:
                return found
            domain = domain.partition(".")[2] if "." in domain else ""
        return UNKNOWN

    def _lookup(self, key: str, when: datetime | None) -> str | None:
        entries = self._entries.get(key)
        if not entries:
            return None
        day = as_utc(when).date() if when else None  # the UTC day, wherever it was sent
        dated = sorted((e for e in entries if e.until is not None), key=lambda e: e.until)  # type: ignore[arg-type, return-value]
        for entry in dated:
            if day is not None and entry.until is not None and day < entry.until:
                return entry.organisation
        undated = [e for e in entries if e.until is None]
        return undated[-1].organisation if undated else None


def _below(key: str, named: set[str]) -> bool:
    """Whether a map key is an address at, or a sub-domain of, a domain among ``named``."""
    domain = key.partition("@")[2] if "@" in key else key.partition(".")[2]
    while domain:
        if domain in named:
            return True
        domain = domain.partition(".")[2]
    return False


def _is_key(text: str) -> bool:
    """Whether a map line's first word is a domain or an address ("Acme" is a name: a line
    written the wrong way round, "Acme Corp<TAB>acme.com", is refused, not read as a key)."""
    return bool(RE_KEY.fullmatch(text)) and ("." in text or "@" in text)


def _lines_of(path: str | os.PathLike[str], what: str) -> list[str]:
    """Return the lines of a map file, read as UTF-8 (a byte order mark at its start skipped).

    An unreadable file, or one in another encoding, is a UsageError naming the file (and the
    line): git keeps a mailmap's bytes as they are, so a Latin-1 name never matches the UTF-8
    one of a mail either, and decoding it as Latin-1 would silently garble any other encoding.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read().removeprefix(codecs.BOM_UTF8)
    except OSError as error:
        raise UsageError(f"{path}: cannot read the {what}: {error.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UsageError(
            f"{path} line {line}: the {what} is not UTF-8 (byte 0x{data[error.start]:02x});"
            " save it as UTF-8 (iconv -f latin1 -t utf-8 converts a Latin-1 file)"
        ) from None
    return list(io.StringIO(text, newline=None))


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{where}: bad date {text!r}") from None
