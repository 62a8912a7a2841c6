"""People from address headers and trailer values, address checks, and DMARC un-munging."""

from __future__ import annotations

import functools
import re

from kvmlist.models import Defect, Person
from kvmlist.parse.headers import decode_words

# Marc Zyngier <maz@kernel.org>     |     "Doe, Jane" <jane@example.org>
RE_NAME_ANGLE = re.compile(r"([^<>]*)<([^<>\s]+)>\s*$")
# jane@example.org (Jane Doe)       |     jane@example.org
RE_BARE = re.compile(r"\s*<?([^\s<>()@]+@[^\s<>()]+?)>?\s*(?:\(([^()]*)\))?\s*$")
# jane at example.org (Jane Doe)  -- the anti-spam spelling some archives use
RE_AT_WORD = re.compile(r"\s*([^\s<>()@]+) at ([^\s<>()@]+\.[^\s<>()@]+)\s*(?:\(([^()]*)\))?\s*$")
# devnull+jane.doe.example.org@kernel.org, the b4 web relay's sender address
RE_B4_RELAY = re.compile(r"^devnull\+[^@]+@kernel\.org$", re.IGNORECASE)
# "Jane \"JJ\" Doe"   a quoted-pair of a quoted-string: the character after the backslash
RE_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
#: Longest address text handed to the stdlib's parser, which recurses once per nested
#: comment and is slow on long hostile input; real address fields are far shorter.
MAX_STDLIB_ADDRESS = 1_000
#: Longest To/Cc list read (a Cc list may be long; longer is hostile: nobody is read of it).
LONGEST_LIST = MAX_STDLIB_ADDRESS * 100
#: Deepest comment nesting ``(a (b (c)))`` handed to the stdlib's parser.
MAX_COMMENT_DEPTH = 10
# jane.doe+kvm@mail.example.org: a dot-atom before the @, DNS labels after it, a TLD of letters.
# A subset of what email-validator accepts (tests/test_addresses.py checks it with hypothesis):
# no quoted local part, no IDNA ("--"), no literal, no length over its limits.
RE_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
# "Jane Doe" <jane@x> | (a comment) | kvm: a@x, b@y; | <@relay:a@x>   (what _usual_list leaves)
RE_LIST_SPECIALS = re.compile(r'["()\\:;\[\]]')
# Jane Doe <jane@example.org>   |   <jane@example.org>   |   jane@example.org   (one list entry;
# possessive, so that no run of blanks is tried two ways: linear on any input)
RE_LIST_ENTRY = re.compile(
    r"\s*+(?:([^<>@]*+)<([^<>\s@]++@[^<>\s@]++)>|([^<>\s@]++@[^<>\s@]++))\s*+"
)
#: To/Cc lists up to this long are read once per process (parse_address_list).
CACHED_LIST_CHARS = 2048
#: Domains email-validator refuses for mail (RFC 6761 special-use names and ``arpa``).
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")


def parse_address(text: str) -> Person | None:
    """Return the person an address field or trailer value names, or None without an address."""
    if "@" not in text and " at " not in text:
        return None
    match = RE_NAME_ANGLE.match(text)
    if match and "@" in match.group(2):
        return Person(name=_clean_name(match.group(1)), email=match.group(2))
    match = RE_BARE.match(text)
    if match:
        return Person(name=_clean_name(match.group(2) or ""), email=match.group(1))
    match = RE_AT_WORD.match(text)
    if match:
        return Person(name=_clean_name(match.group(3) or ""), email=f"{match[1]}@{match[2]}")
    person = _name_then_address(text)
    if person is not None:
        return person
    if not _stdlib_can_take(text):
        return None
    import email.utils  # the stdlib for the rare forms the patterns above do not read

    name, addr = email.utils.parseaddr(text)
    if "@" not in addr:
        return None
    return Person(name=_clean_name(name), email=addr)


def _name_then_address(text: str) -> Person | None:
    """Return the person of "Jane Doe jane@example.org" or "Jane Doe (jane@example.org)": a
    plain address without its angle brackets as the last word, after a name holding no
    address; None for any other form (the stdlib would read the whole text as the address)."""
    words = text.rsplit(maxsplit=1)
    if len(words) != 2:
        return None
    name, addr = words
    if addr[:1] == "(" and addr[-1:] == ")":
        addr = addr[1:-1]
    if any(char in name for char in "<>()@") or not is_plain_address(addr):
        return None
    return Person(name=_clean_name(name), email=addr)


def read_address(value: str, defects: list[Defect]) -> Person | None:
    """Return the person a raw From-style header value names, encoded words included.

    RFC 2047 section 6.2: the address is read first and the encoded words of the display
    name decoded after, so a name that decodes to ``<b>Jane</b>`` takes no address's place.
    A value that names nobody until decoded (a whole ``Name <addr>`` in one encoded word,
    which RFC 2047 forbids) is read decoded. Decoding problems go to ``defects``.
    """
    if "=?" in value:
        person = parse_address(value)
        if person is not None and _name_is_encoded(person):
            return _name_decoded(person, defects)
    return parse_address(decode_words(value, defects))


def read_address_list(value: str, defects: list[Defect]) -> tuple[Person, ...]:
    """Return every person of a raw To/Cc-style value, encoded words included.

    Each entry is read as :func:`read_address` reads a From: the list is split and its
    addresses read first, then the encoded words of each name decoded, so that a name
    decoding to ``<evil@x>`` or ``Doe, Jane`` stays one person's name. An address is kept
    as written, encoded word or not (RFC 2047 section 5: none may stand in an address; a
    bot that wrote ``=?utf-8?q?Jane_=3Cjane=40x=3E?=@relay`` sent it there). Decoding
    problems go to ``defects``.
    """
    if "=?" not in value:
        return parse_address_list(decode_words(value, defects))  # blanks collapsed only
    people = parse_address_list(value)
    return tuple(_name_decoded(p, defects) if _name_is_encoded(p) else p for p in people)


def _name_is_encoded(person: Person) -> bool:
    return "=?" in person.name and "=?" not in person.email


def _name_decoded(person: Person, defects: list[Defect]) -> Person:
    return Person(name=_clean_name(decode_words(person.name, defects)), email=person.email)


def parse_address_list(text: str) -> tuple[Person, ...]:
    """Return every person of a To/Cc-style list, skipping entries without an address.

    A series' patches repeat their To and Cc lists: lists up to CACHED_LIST_CHARS long are
    read once (the result is immutable, so mails share it). A list in the usual form is
    read by two patterns (:func:`_usual_list`), others by the stdlib's parser, which took
    ~110 µs a list on the shared corpora.
    """
    if len(text) <= CACHED_LIST_CHARS:
        return _cached_list(text)
    return _any_list(text)


def _any_list(text: str) -> tuple[Person, ...]:
    usual = _usual_list(text)
    return usual if usual is not None else _stdlib_list(text)


_cached_list = functools.lru_cache(maxsize=4096)(_any_list)


def _usual_list(text: str) -> tuple[Person, ...] | None:
    """The people of a list whose every entry is ``Name <addr>``, ``<addr>`` or ``addr``
    (no quotes, comments, groups or routes), as :func:`_stdlib_list` reads it; None for a
    list in any other form (tests hold the two equal, on every list of the shared corpora)."""
    if len(text) > LONGEST_LIST or RE_LIST_SPECIALS.search(text) is not None:
        return None
    people: list[Person] = []
    for entry in text.split(","):
        if not entry.strip():
            continue
        match = RE_LIST_ENTRY.fullmatch(entry)
        if match is None:
            return None
        name, addr, bare = match.groups()
        people.append(Person(name=_clean_name(name or ""), email=addr or bare))
    return tuple(people)


def _stdlib_list(text: str) -> tuple[Person, ...]:
    """The people of any list, as ``email.utils.getaddresses`` reads it."""
    people: list[Person] = []
    if not _stdlib_can_take(text, LONGEST_LIST):
        return tuple(people)
    import email.utils

    for name, addr in email.utils.getaddresses([text]):
        if "@" in addr:
            people.append(Person(name=_clean_name(name), email=addr))
    return tuple(people)


def _stdlib_can_take(text: str, longest: int = MAX_STDLIB_ADDRESS) -> bool:
    """True when an address text is short and shallow enough for ``email.utils``."""
    if len(text) > longest:
        return False
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
            if depth > MAX_COMMENT_DEPTH:
                return False
        elif char == ")":
            depth = max(depth - 1, 0)
    return True


def _clean_name(name: str) -> str:
    """A display name without its quotes; a quoted-string's quoted-pairs unescaped (RFC 5322
    3.2.4: ``"Jane \\"JJ\\" Doe"`` is ``Jane "JJ" Doe``, as email.utils.parseaddr reads it)."""
    name = " ".join(name.split())
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"":
        quoted = name[0] == '"'
        name = name[1:-1].strip()
        if quoted and "\\" in name:
            name = RE_QUOTED_PAIR.sub(r"\1", name)
    return name


@functools.lru_cache(maxsize=65536)
def address_defect(addr: str) -> Defect | None:
    """Return a defect when email-validator rejects the address's syntax, else None.

    Most addresses are plain (:func:`is_plain_address`): those are valid without asking
    email-validator, whose import alone costs about 30 ms of every command's start-up.
    """
    if is_plain_address(addr):
        return None
    from email_validator import EmailNotValidError, validate_email  # costly import, used lazily

    try:
        validate_email(addr, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as error:
        return Defect(kind="invalid-address", detail=f"{addr!r}: {error}")
    return None


def is_plain_address(addr: str) -> bool:
    """True for an address of the plain form email-validator always accepts."""
    if len(addr) > 254 or "--" in addr or RE_PLAIN_ADDRESS.fullmatch(addr) is None:
        return False
    local, _, domain = addr.rpartition("@")
    tld = domain.rpartition(".")[2].lower()
    return len(local) <= 64 and len(domain) <= 253 and tld not in SPECIAL_USE_DOMAINS


def unmunge(
    sender: Person,
    original_from: str | None,
    reply_to: str | None,
    list_id: str | None,
    cc: str | None = None,
) -> tuple[Person, Defect | None]:
    """Return the real person behind a DMARC-munged From, and a defect describing the repair.

    Mailing lists that rewrite From to their own address (Mailman's ``Name via list``, Google
    Groups) and the b4 web relay (``Name via B4 Relay <devnull+...@kernel.org>``) keep the
    real sender in X-Original-From or Reply-To; Mailman may instead move it to Cc, so a Cc
    entry with the same name is taken last; where none of them names the sender, a list's From
    is kept as written, and so where Reply-To holds more than one mailbox besides the list's
    own address (Mailman appends the real From to the sender's own Reply-To: which is which,
    the sender decided) or Cc names another mailbox so (Mailman's real From, where the list
    points replies at itself, and the Reply-To is the sender's own). Only
    such a From is munged (:func:`looks_munged`), and the relay's only for the person its
    address names: any other sender comes back unchanged. ``original_from`` and ``reply_to``
    are the raw header values (read as a From is: :func:`read_address`), ``cc`` the raw Cc
    list (read as :func:`read_address_list` does).
    """
    if not looks_munged(sender, list_id):
        return sender, None
    relay = RE_B4_RELAY.match(sender.email) is not None
    via = _strip_via(sender.name)
    real_name = via if via is not None else sender.name
    for candidate in (original_from, reply_to):
        if candidate and candidate is reply_to:
            people = _off_list(read_address_list(candidate, []), sender, list_id, real_name)
            if len(people) > 1:
                return _kept_munged(sender, relay, real_name)  # the sender wrote one of them
            person = people[0] if people else None
        else:
            person = read_address(candidate, []) if candidate else None
        if person is None or RE_B4_RELAY.match(person.email):
            continue
        if relay and not _relays_for(sender.email, person.email):
            continue  # the relay's address names its sender: nobody else is behind it
        if candidate is reply_to and person.name and real_name and person.name != real_name:
            continue  # a Reply-To naming somebody else is not the author
        if candidate is reply_to and cc and _named(cc, real_name, sender.email, person.email):
            return _kept_munged(sender, relay, real_name)  # Mailman's From in Cc is another
        fixed = Person(name=person.name or real_name, email=person.email)
        return fixed, Defect(kind="dmarc-unmunged", detail=f"{sender} -> {fixed}")
    named = _named_in(cc, real_name, sender.email) if cc and real_name else None
    if named is not None and (not relay or _relays_for(sender.email, named.email)):
        return named, Defect(kind="dmarc-unmunged", detail=f"{sender} -> {named} (Cc)")
    return _kept_munged(sender, relay, real_name)


def _kept_munged(sender: Person, relay: bool, real_name: str) -> tuple[Person, Defect]:
    """A munged sender no header names for sure: the relay's address is its sender's own; a
    list's is everybody's, so its "X via list" name stays (identity_key keeps the people it
    relays for apart, as git mailinfo does)."""
    fixed = Person(name=real_name, email=sender.email) if relay else sender
    return fixed, Defect(kind="dmarc-munged", detail=f"no real address found for {sender}")


def _named_in(people: str, name: str, munged: str) -> Person | None:
    """Return the one entry of an address list named ``name`` (any case), not at ``munged``."""
    found = _named(people, name, munged)
    return found[0] if len(found) == 1 else None


def _named(people: str, name: str, *besides: str) -> list[Person]:
    """Return the entries of an address list named ``name`` (any case), at none of
    ``besides``' addresses."""
    wanted, skipped = folded_name(name), {addr.lower() for addr in besides}
    found = read_address_list(people, [])
    return [p for p in found if folded_name(p.name) == wanted and p.email.lower() not in skipped]


def _off_list(
    people: tuple[Person, ...], sender: Person, list_id: str | None, name: str
) -> list[Person]:
    """Return a Reply-To's people but the list's own address (a list pointing replies at
    itself, or a poster's Reply-To of the list, puts it there), kept where it carries the
    sender's name: a From of the list's address that Mailman appended."""
    wanted = folded_name(name)
    return [
        p
        for p in people
        if folded_name(p.name) == wanted
        or (p.email.lower() != sender.email.lower() and not _same_list(p.email, list_id or ""))
    ]


def _relays_for(relay: str, addr: str) -> bool:
    """True when a b4 relay address is the one it gives addr (jane.doe.example.org is
    jane.doe@example.org's tag in devnull+jane.doe.example.org@kernel.org)."""
    tag = relay.partition("@")[0].partition("+")[2]
    return tag.lower() == addr.replace("@", ".").lower()


def looks_munged(sender: Person, list_id: str | None) -> bool:
    """True when a From is DMARC-munged: the address is the list's own (List-Id) or the b4
    relay's. A "X via list" name alone is no sign: any sender may write one."""
    if RE_B4_RELAY.match(sender.email):
        return True
    return bool(list_id) and _same_list(sender.email, list_id or "")


def relayed_name(person: Person) -> str | None:
    """Return "Jane Doe" for a From kept as written with the name "Jane Doe via GitGitGadget":
    a relay kvmlist does not un-munge (:func:`looks_munged`) that sends for many people;
    None for any other name (an un-munged From has lost its " via ...")."""
    return _strip_via(person.name) or None


def identity_key(person: Person) -> str:
    """Return what makes two people one: the address, in any case; for a sender a relay kept
    as written ("Jane Doe via GitGitGadget" <gitgitgadget@gmail.com>, :func:`relayed_name`)
    also the name it relays for, so the relay's people stay apart, and nobody's "Marc via x"
    is Marc or its sender's other mails. The rule of counts and series' people; which rule
    serves where: docs/identities.md, "Three rules for the same person"."""
    return _keyed(person.email.lower(), person)


def same_mailbox(one: Person, other: Person) -> bool:
    """True when two people write from one mailbox: :func:`identity_key`'s rule with a
    "+tag" aside (syzbot+ci0b43@ sends "Tested-by: syzbot@"), but not the b4 relay's (its
    tag names the sender). Whom a mail is from, where a typed display name must not decide
    (revisions, retractions; trailers add a name rule): docs/identities.md, "Three rules
    for the same person"."""
    return _keyed(_mailbox(one.email), one) == _keyed(_mailbox(other.email), other)


def _keyed(address: str, person: Person) -> str:
    """The address with the name a relay kept as written relays for (folded), if any."""
    name = relayed_name(person)
    return address if name is None else f"{address}\0{folded_name(name)}"  # no NUL in either


def _mailbox(address: str) -> str:
    if RE_B4_RELAY.match(address):
        return address.lower()
    local, at, domain = address.lower().partition("@")
    return local.split("+", 1)[0] + at + domain


def folded_name(name: str) -> str:
    """A display name as names compare: blanks collapsed, case folded."""
    return " ".join(name.split()).casefold()


def _strip_via(name: str) -> str | None:
    """Return "Jane Doe" for "Jane Doe via B4 Relay" / "'Jane Doe' via kvmarm", else None."""
    head, sep, _ = name.partition(" via ")
    if not sep:
        if not name.endswith(" via"):
            return None
        head = name[: -len(" via")]
    return _clean_name(head)


def _same_list(addr: str, list_id: str) -> bool:
    """True when addr is the list's own address (kvm@vger.kernel.org ~ kvm.vger.kernel.org)."""
    local, _, domain = addr.lower().partition("@")
    return f"{local}.{domain}" == list_id.strip("<> ").lower()
