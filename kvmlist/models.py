"""The typed, frozen models every layer of kvmlist speaks.

A mail becomes a :class:`Message`; a mail that carries a patch or a cover letter becomes a
:class:`Patch` (a subclass, so every patch is also a message). Patches group into a
:class:`Series`. All models are immutable and round-trip losslessly through JSON
(``Model.model_validate_json(m.model_dump_json()) == m``); raw bytes travel as base64.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, NamedTuple, Self, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    computed_field,
    model_serializer,
)

from kvmlist._utc import as_utc

if TYPE_CHECKING:
    from pydantic import GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema


#: A model's time: tz-aware UTC, a naive one taken as UTC and an aware one converted, as the
#: API takes times (kvmlist._utc), so that dates of a model built by hand compare with parsed ones.
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]

MessageKind = Literal["patch", "cover", "reply", "pull", "robot", "other"]

#: Every kind of Defect, a closed set: docs/defects.md says what each means, with an example.
#: A new kind is one line here and one row there (tests/test_defects.py holds them equal).
DefectKind = Literal[
    "8bit-header",
    "bad-date",
    "bad-date-zone",
    "bad-encoded-word",
    "bad-from",
    "bad-in-body-from",
    "bad-transfer-encoding",
    "colon-date-zone",
    "diffstat-mismatch",
    "dmarc-munged",
    "dmarc-unmunged",
    "duplicate-patch",
    "header-continuation-first",
    "html-only",
    "implausible-date",
    "invalid-address",
    "malformed-header-line",
    "mime",
    "mime-too-deep",
    "mislabelled-charset",
    "missing-date",
    "missing-from",
    "missing-message-id",
    "no-author",
    "nul-in-body",
    "nul-in-header",
    "patch-without-diff",
    "repeated-field",
    "robot-with-diff",
    "skipped-part",
    "stacked-in-body-from",
    "undecodable-body",
    "unedited-cover",
    "unknown-charset",
    "unparsable",
]


@dataclass
class _LazyFields:
    """The parse layer's functions behind the lazy fields (``Message.body`` and its defects,
    ``Message.subject_title``, ``Message.recipients``, ``Patch.diff``, ``Patch.description``,
    ``Patch.file_diffs``, a parsed Patch's ``commit_message``, ``trailers`` and ``diffstat``,
    the trailers a reply gives, and ``Patch.diffstat_defects``).

    Bodies are costly, so they are decoded on first use; but models import nothing of the
    layers above them. kvmlist.parse installs its functions here when it is imported: by
    ``kvmlist.parse_message`` or any reader, else (a model built by hand) on the first use of
    a lazy field, which loads the parse layer by name, as a plugin is loaded.
    """

    body: Callable[[bytes, Any], tuple[str, tuple[Defect, ...]]] | None = None
    subject_title: Callable[[str], str] | None = None
    diff: Callable[[str], str] | None = None
    description: Callable[[str], str] | None = None
    recipients: Callable[[bytes], tuple[Person, ...]] | None = None
    patch_text: Callable[[str], tuple[str, tuple[Trailer, ...], Diffstat | None]] | None = None
    has_diff: Callable[[bytes, Any], bool] | None = None
    base_lines: Callable[[str], BaseLines] | None = None
    given_trailers: Callable[[str], Iterable[Any]] | None = None
    diffstat_defects: Callable[[str], tuple[Defect, ...]] | None = None
    file_diffs: Callable[[str], tuple[FileDiff, ...]] | None = None


_LAZY = _LazyFields()


def install_lazy_fields(
    *,
    body: Callable[[bytes, Any], tuple[str, tuple[Defect, ...]]],
    subject_title: Callable[[str], str],
    diff: Callable[[str], str],
    description: Callable[[str], str],
    recipients: Callable[[bytes], tuple[Person, ...]] | None = None,
    patch_text: Callable[[str], tuple[str, tuple[Trailer, ...], Diffstat | None]] | None = None,
    has_diff: Callable[[bytes, Any], bool] | None = None,
    base_lines: Callable[[str], BaseLines] | None = None,
    given_trailers: Callable[[str], Iterable[Any]] | None = None,
    diffstat_defects: Callable[[str], tuple[Defect, ...]] | None = None,
    file_diffs: Callable[[str], tuple[FileDiff, ...]] | None = None,
) -> None:
    """Set how ``Message.body`` (raw and what the parser left under BODY_FORM, or None ->
    text and its defects), ``Message.subject_title`` (subject -> title), ``Patch.diff`` and
    ``Patch.description`` (body -> part of it), a parsed patch's text fields (body ->
    commit message, trailers, diffstat), a parsed reply's ``has_diff`` (raw and
    BODY_FORM -> bool), a patch's ``base-commit:``-like lines (body -> BaseLines), the
    trailers a reply's own text gives (body -> trailers, kvmlist.parse.reply.trailers_of)
    a patch's written diffstat against its diff (body -> defects) and ``Patch.file_diffs``
    (diff -> its files) are computed."""
    _LAZY.body = body
    _LAZY.subject_title = subject_title
    _LAZY.diff = diff
    _LAZY.description = description
    _LAZY.recipients = recipients
    _LAZY.patch_text = patch_text
    _LAZY.has_diff = has_diff
    _LAZY.base_lines = base_lines
    _LAZY.given_trailers = given_trailers
    _LAZY.diffstat_defects = diffstat_defects
    _LAZY.file_diffs = file_diffs


def _parser(field: str) -> Callable[..., Any]:
    """Return the installed function behind a lazy field, loading the parse layer first if
    nothing installed it yet (``import kvmlist`` alone loads only the package's names)."""
    function = getattr(_LAZY, field)
    if function is None:
        import importlib

        importlib.import_module("kvmlist.parse")  # installs its functions on import
        function = getattr(_LAZY, field)
        if function is None:
            raise RuntimeError(f"kvmlist.parse installed no function for {field!r}")
    return cast("Callable[..., Any]", function)


#: The key under which the parser leaves, in a model's __dict__, how its body is decoded
#: (header block length, plainness, Content-Type and transfer encoding; not a field).
BODY_FORM = "_body_form"


@functools.cache
def _read_once(model: type[BaseModel]) -> tuple[str, ...]:
    """The names of a model's values computed on first read and kept (cached properties)."""
    return tuple(
        name
        for klass in model.__mro__
        for name, value in vars(klass).items()
        if isinstance(value, functools.cached_property)
    )


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        ser_json_bytes="base64",
        val_json_bytes="base64",
        # validators and serialisers are built on first use, not at import, so that
        # `import kvmlist` stays fast (docs/performance.md)
        defer_build=True,
    )

    def __setattr__(self, name: str, value: Any) -> None:
        """Refuse as pydantic does (the models are frozen), saying how to change a copy."""
        try:
            super().__setattr__(name, value)
        except ValidationError as error:
            error.add_note(f"models are frozen: use model.model_copy(update={{{name!r}: ...}})")
            raise


class Defect(_Frozen):
    """Something odd about the input, and what the parser did about it (docs/defects.md)."""

    kind: DefectKind
    detail: str = Field(default="", description="The first occurrence, when there were several")
    count: int = Field(default=1, description="How often this kind occurred in the mail")

    def __str__(self) -> str:
        text = f"{self.kind}: {self.detail}" if self.detail else self.kind
        return f"{text} (x{self.count:,})" if self.count > 1 else text


class Person(_Frozen):
    """A name and an e-mail address, as written in the mail.

    Equality is that of the fields: ``Person(name="A", email="a@x")`` and
    ``Person(name="B", email="a@x")`` differ, and so do ``a@x`` and ``A@X``. Merging one
    person's names and address spellings is the counts' job (``count_by_author`` compares
    addresses case-insensitively; a mailmap merges aliases).

    Persons sort by name, then address, case-folded (one without a name first), then as
    written, so that ``sorted(count_by_author(mails))`` and a pandas index of them sort.
    """

    name: str = ""
    email: str

    def _order(self) -> tuple[str, str, str, str]:
        return (self.name.casefold(), self.email.casefold(), self.name, self.email)

    def __lt__(self, other: object) -> bool:
        return self._order() < other._order() if isinstance(other, Person) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self._order() <= other._order() if isinstance(other, Person) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self._order() > other._order() if isinstance(other, Person) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self._order() >= other._order() if isinstance(other, Person) else NotImplemented

    @computed_field  # type: ignore[prop-decorator]
    @property
    def domain(self) -> str:
        """The part after the last ``@``, lower-cased; empty when there is none."""
        at = self.email.rfind("@")
        return self.email[at + 1 :].lower() if at >= 0 else ""

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class Trailer(_Frozen):
    """One ``Key: value`` line of a commit message's trailer block."""

    key: str
    value: str
    person: Person | None = None

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class ReviewTrailer(Trailer):
    """A trailer given in a reply (``Reviewed-by:`` under a patch or its cover letter)."""

    given_in: str = Field(description="Message-ID of the reply that gave it")
    given_by: Person | None = Field(default=None, description="The reply's sender")
    mismatch: bool = Field(
        default=False, description="The trailer names somebody else than the reply's sender"
    )


class FileChange(_Frozen):
    """One file a patch's diff changes, as ``git apply --numstat`` counts it (a cover letter's:
    one line of its diffstat as written); binary files have no line counts.

    Only what a written diffstat also says: a path and counts. What a diff alone tells (a
    rename's old path, a new or deleted file, modes, the file's own diff text) is in
    :class:`FileDiff`, from ``Patch.file_diffs``.
    """

    path: str
    insertions: int = 0
    deletions: int = 0
    binary: bool = False


#: What a diff does to a file, as the letters of ``git diff --name-status`` say (A, D, M, R, C).
FileStatus = Literal["added", "deleted", "modified", "renamed", "copied"]


class FileDiff(FileChange):
    """One file of a patch's diff (``Patch.file_diffs``): its path and counts as in
    ``diffstat.files``, what git's extended header lines say of it, and its own diff text.

    ``path`` is the new path (the old one of a deleted file), as ``git apply --numstat``
    names it; the counts are those of the file's own hunks (a ``format-patch -D`` deleted
    file without lines has none, where ``diffstat.files`` keeps the sent diffstat's).
    """

    status: FileStatus = Field(
        default="modified",
        description="added, deleted, renamed or copied as git's header lines (or a plain "
        "diff's /dev/null) say; modified otherwise, a mode change alone included",
    )
    old_path: str | None = Field(
        default=None, description="The path a renamed or copied file had; None otherwise"
    )
    similarity: int | None = Field(
        default=None, description="A rename's or copy's ``similarity index``, in percent"
    )
    old_mode: str | None = Field(
        default=None,
        description="The mode before, as git writes it (``100644``): from ``old mode``, "
        "``deleted file mode`` or the ``index`` line; None when the diff gives none",
    )
    new_mode: str | None = Field(
        default=None,
        description="The mode after (``100755``): from ``new mode``, ``new file mode`` or the "
        "``index`` line; None when the diff gives none",
    )
    text: str = Field(
        default="",
        repr=False,
        description="The file's part of ``Patch.diff``: from its ``diff``/``---`` line to the "
        "end of its last hunk, each line ending in a newline",
    )

    @property
    def mode_changed(self) -> bool:
        """True when the diff changes the mode of a file it keeps (``old mode``/``new mode``)."""
        return None not in (self.old_mode, self.new_mode) and self.old_mode != self.new_mode


PrerequisiteKind = Literal["patch-id", "change-id", "message-id"]


class Prerequisite(_Frozen):
    """A patch a series needs applied first, as a ``prerequisite-<kind>:`` line names it:
    ``patch-id`` (``git patch-id --stable`` of a patch: git format-patch ``--base``, b4),
    ``change-id`` (a b4 change-id, ``:v3`` naming its version) or ``message-id``."""

    kind: PrerequisiteKind
    value: str


class BaseLines(NamedTuple):
    """What a mail's ``base-commit:``, ``change-id:`` and ``prerequisite-*:`` lines say."""

    base_commit: str | None = None
    change_id: str | None = None
    prerequisites: tuple[Prerequisite, ...] = ()


class Diffstat(_Frozen):
    """The diffstat of a patch or cover letter as sent (its summary line), with the files of
    its diff; ``computed`` from the diff alone when the mail has none."""

    files: tuple[FileChange, ...] = ()
    files_changed: int = 0
    insertions: int = 0
    deletions: int = 0
    computed: bool = Field(default=False, description="True when derived from the diff itself")


class Message(_Frozen):
    """Any mail of the archive: a patch, a cover letter, a reply or anything else."""

    message_id: str
    subject: str = ""
    sender: Person | None = Field(default=None, description="The header From, un-munged")
    date: UtcDatetime | None = Field(
        default=None, description="tz-aware UTC (a naive one given is taken as UTC)"
    )
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    list_id: str | None = None
    kind: MessageKind = "other"
    has_diff: bool = Field(
        default=False, description="The mail carries a diff (inline or attached)"
    )
    pull_url: str | None = Field(default=None, description="A pull request's repository URL")
    pull_branch: str | None = Field(default=None, description="A pull request's branch or tag")
    defects: tuple[Defect, ...] = ()
    raw: bytes = Field(default=b"", repr=False, description="The message as archived")

    if not TYPE_CHECKING:  # mypy would let every attribute name through a __getattr__

        def __getattr__(self, name: str) -> Any:
            if name in self._deferred_fields():  # left out by the parser: computed now
                self._read_deferred()
                return self.__dict__[name]
            return super().__getattr__(name)

    @classmethod
    def _deferred_fields(cls) -> tuple[str, ...]:
        """The fields a parsed model may leave out, to be computed when one is first read."""
        return REPLY_FIELDS

    def _read_deferred(self) -> None:
        """Compute the fields the parser left out (defer_reply_fields): a reply's has_diff."""
        if "has_diff" not in self.__dict__:
            found = _parser("has_diff")(self.raw, self.__dict__.get(BODY_FORM))
            self._store_computed({"has_diff": bool(found)})

    def _store_computed(self, computed: Mapping[str, Any]) -> None:
        """Put computed fields into __dict__ in field order, as serialisation reads them;
        one assignment, safe for other threads."""
        state = self.__dict__
        fields = [name for name in type(self).model_fields if name in state or name in computed]
        ordered = {name: state[name] if name in state else computed[name] for name in fields}
        object.__setattr__(self, "__dict__", ordered | state)

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> Any:
        self._read_deferred()
        return handler(self)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Describe a serialised mail by its fields (_serialise only fills them in first)."""
        fields_only = {key: value for key, value in core_schema.items() if key != "serialization"}
        return handler(cast("CoreSchema", fields_only))

    def __eq__(self, other: object) -> bool:
        self._read_deferred()
        if isinstance(other, Message):
            other._read_deferred()
        return super().__eq__(other)

    def __hash__(self) -> int:
        self._read_deferred()
        return hash(tuple(self.__dict__[name] for name in type(self).model_fields))

    def __iter__(self) -> Any:
        self._read_deferred()
        return super().__iter__()

    def __repr_args__(self) -> Any:
        self._read_deferred()
        return super().__repr_args__()

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Return a copy; with ``update``, the values read from the old fields (body,
        subject title, recipients, diff, description) are read again from the copy's, and
        fields still left out are computed first when ``raw`` changes."""
        if update and "raw" in update:
            self._read_deferred()
        copied = super().model_copy(update=update, deep=deep)
        if update:
            for name in (*_read_once(type(self)), BODY_FORM):
                copied.__dict__.pop(name, None)
        return copied

    @functools.cached_property
    def _decoded_body(self) -> tuple[str, tuple[Defect, ...]]:
        return self._decode_body()

    def _decode_body(self) -> tuple[str, tuple[Defect, ...]]:
        """Decode the body from raw, with the header fields that say how when the parser
        left them (BODY_FORM): the block is then not scanned again."""
        decode = _parser("body")
        return cast(
            "tuple[str, tuple[Defect, ...]]", decode(self.raw, self.__dict__.get(BODY_FORM))
        )

    def __getstate__(self) -> dict[Any, Any]:
        """Pickle without BODY_FORM: a worker's models travel light, and decode as well."""
        state = super().__getstate__()
        if BODY_FORM in state["__dict__"]:
            fields = {k: v for k, v in state["__dict__"].items() if k != BODY_FORM}
            state = {**state, "__dict__": fields}
        return state

    #: Fields added since the last release: its pickles lack them (its JSON too, which
    #: validation fills with the default).
    _ADDED_FIELDS: ClassVar[tuple[str, ...]] = ()

    def __setstate__(self, state: dict[Any, Any]) -> None:
        """Unpickle; a field an older release's pickle lacks (_ADDED_FIELDS) takes its
        default, what the mail meant then. Only unpickling pays the check, not parsing."""
        super().__setstate__(state)
        missing = [name for name in self._ADDED_FIELDS if name not in self.__dict__]
        if missing:
            fields = type(self).model_fields
            self._store_computed({name: fields[name].default for name in missing})

    @property
    def body(self) -> str:
        """The decoded text body (text/plain parts and patch attachments), decoded once."""
        return self._decoded_body[0]

    @property
    def body_defects(self) -> tuple[Defect, ...]:
        """What was odd about the body; for patches and covers also in ``defects``."""
        return self._decoded_body[1]

    @functools.cached_property
    def subject_title(self) -> str:
        """The subject without its ``Re:``/``[PATCH ...]`` prefixes (a patch's ``title``)."""
        return cast("str", _parser("subject_title")(self.subject))

    @functools.cached_property
    def recipients(self) -> tuple[Person, ...]:
        """The people of the To and Cc headers, each address once; read on first use."""
        return cast("tuple[Person, ...]", _parser("recipients")(self.raw))

    @functools.cached_property
    def _given_trailers(self) -> tuple[Any, ...]:
        """The trailers the body gives in the sender's own text, read once (kept as the body
        is): the reviews, the reviewer table and the people shown all ask a reply for them.
        Typed and read through kvmlist.parse.reply.trailers_of."""
        return tuple(_parser("given_trailers")(self.body))

    @property
    def is_reply(self) -> bool:
        """True for replies (``Re:`` and friends) rather than new postings."""
        return self.kind == "reply"

    @property
    def is_pull_request(self) -> bool:
        """True when the body holds a request-pull text (repository URL and branch)."""
        return self.pull_url is not None

    @property
    def plausible_date(self) -> datetime | None:
        """The date, None when it has the defect ``implausible-date`` (before Internet mail,
        or from the future: a broken clock) and so must not bound a period or set *now*."""
        if self.date is None or any(d.kind == "implausible-date" for d in self.defects):
            return None
        return self.date

    @property
    def parent_id(self) -> str | None:
        """The message this one answers: In-Reply-To, else the last reference."""
        if self.in_reply_to:
            return self.in_reply_to
        return self.references[-1] if self.references else None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.message_id} {self.subject[:60]!r}>"


class Patch(Message):
    """A mail that carries a patch (index >= 1) or a series' cover letter (index 0)."""

    title: str = ""
    version: int = 1
    index: int = 1
    total: int = 1
    numbered: bool = Field(default=False, description="True when the subject carries i/N")
    prefixes: tuple[str, ...] = Field(default=(), description="RFC, RESEND, tree/project tags")
    author: Person | None = Field(
        default=None,
        description="In-body From, else the sender; in a Series, a relayed cover letter's is "
        "its patches' author (docs/data-model.md)",
    )
    trailers: tuple[Trailer, ...] = ()
    review_trailers: tuple[ReviewTrailer, ...] = Field(
        default=(),
        description="Trailers given in replies (filled by group_series); a cover letter "
        "holds none: those given in answer to it are its patches'",
    )
    reviews_read: bool = Field(
        default=False,
        description="True once group_series looked for trailers in replies: review_trailers "
        "then holds all it found, none included (a cover letter: its replies were read for "
        "its patches); False, they were never looked for",
    )
    commit_message: str = ""
    diffstat: Diffstat | None = None

    #: 0.1.0 had no reviews_read: its Patch loads as replies never looked for (False)
    _ADDED_FIELDS: ClassVar[tuple[str, ...]] = ("reviews_read",)

    @classmethod
    def _deferred_fields(cls) -> tuple[str, ...]:
        return REPLY_FIELDS + TEXT_FIELDS

    def _read_deferred(self) -> None:
        """Compute the TEXT_FIELDS the parser left out (defer_text_fields) from the body."""
        super()._read_deferred()
        state = self.__dict__
        if "commit_message" in state:  # the three are left out and computed together
            return
        decoded = state.get("_decoded_body") or self._decode_body()  # not cached here
        self._store_computed(dict(zip(TEXT_FIELDS, _parser("patch_text")(decoded[0]), strict=True)))

    @property
    def is_cover(self) -> bool:
        """True for a series' cover letter (``0/N``)."""
        return self.kind == "cover"

    @property
    def is_rfc(self) -> bool:
        return any(p.upper().startswith("RFC") for p in self.prefixes)

    @property
    def is_resend(self) -> bool:
        return any(p.upper().startswith("RESEND") for p in self.prefixes)

    @property
    def is_backport(self) -> bool:
        """True for a stable backport: an ``AUTOSEL`` or ``stable`` tag, or a stable tree's
        (``[PATCH 6.12 001/123]``, ``5.15.y``, ``6.17-5.4``)."""
        return self.stable_tree is not None

    @property
    def stable_tree(self) -> str | None:
        """The stable tree a backport targets (``"4.9"``, ``"6.17-5.4"``; ``""`` when its tag
        names none), None for other patches: see :func:`stable_tree`."""
        return stable_tree(self.prefixes)

    @functools.cached_property
    def diff(self) -> str:
        """The diff part of the body, decoded on first use; empty when there is none."""
        return cast("str", _parser("diff")(self.body))

    @functools.cached_property
    def file_diffs(self) -> tuple[FileDiff, ...]:
        """The files of the diff, in its order, each with its status, old path, modes and
        own diff text (:class:`FileDiff`); read from ``diff`` on first use, empty without one."""
        return cast("tuple[FileDiff, ...]", _parser("file_diffs")(self.diff))

    def file_diff(self, path: str) -> FileDiff | None:
        """Return the diff of the file at path (a renamed or copied file's old path also
        finds it, its new path first); None when the diff leaves the file alone."""
        by_path = (f for f in self.file_diffs if f.path == path)
        by_old_path = (f for f in self.file_diffs if f.old_path == path)
        return next(by_path, None) or next(by_old_path, None)

    @functools.cached_property
    def description(self) -> str:
        """The text above the diff: commit message, then ``---``, notes and diffstat (without
        git's ``create mode`` lines); computed on first use."""
        return cast("str", _parser("description")(self.body))

    @functools.cached_property
    def _base_lines(self) -> BaseLines:
        return cast("BaseLines", _parser("base_lines")(self.body))

    @property
    def base_commit(self) -> str | None:
        """The commit the patch or series applies to, as its ``base-commit:`` line gives it
        (git format-patch ``--base``, b4: below the diff or the cover letter's diffstat), hex
        in lower case; None when there is none or it names no commit (a branch name)."""
        return self._base_lines.base_commit

    @functools.cached_property
    def diffstat_defects(self) -> tuple[Defect, ...]:
        """``diffstat-mismatch`` when the diffstat written under ``---`` names other files
        than the diff changes (git am applies a file a reviewer of the diffstat does not
        see), else (); computed on first read, never at parse time, and not in ``defects``
        (``kvmlist check`` and strict mode read it). A cover letter's, a whole series',
        is never compared."""
        if self.kind == "cover":
            return ()
        return cast("tuple[Defect, ...]", _parser("diffstat_defects")(self.body))

    @property
    def change_id(self) -> str | None:
        """The b4 ``change-id:`` of the series (the same in each of its revisions); None
        when there is none (Gerrit's ``Change-Id:`` trailer is not one)."""
        return self._base_lines.change_id

    @property
    def prerequisites(self) -> tuple[Prerequisite, ...]:
        """The ``prerequisite-patch-id:``, ``prerequisite-change-id:`` and
        ``prerequisite-message-id:`` lines, in order, then patchew's ``Based-on: <id>`` lines
        as message-ids (those that name nothing left out)."""
        return self._base_lines.prerequisites

    def __repr__(self) -> str:
        return f"<Patch v{self.version} {self.index}/{self.total} {self.title[:60]!r}>"

    def _repr_html_(self) -> str:
        from kvmlist._html import patch_html

        return patch_html(self)


#: The Patch fields a parsed patch computes from its body when one of them is first read.
TEXT_FIELDS = ("commit_message", "trailers", "diffstat")
#: The Message field a parsed reply computes from its raw mail when it is first read.
REPLY_FIELDS = ("has_diff",)


def defer_reply_fields(message: Message) -> Message:
    """Leave a freshly parsed reply's REPLY_FIELDS out, to be computed from its raw mail (by
    the installed ``has_diff`` function) when first read: most uses of a reply (counts, the
    report, threading) never ask whether it carries a diff, and the look costs a quarter
    of the reply's parse. Equality, hashing, serialisation and ``model_copy(update={"raw":
    ...})`` compute them first, and pickles stay lazy."""
    for name in REPLY_FIELDS:
        del message.__dict__[name]
    return message


def defer_text_fields(patch: Patch) -> Patch:
    """Leave a freshly parsed patch's TEXT_FIELDS out, to be computed from its body (by the
    installed ``patch_text`` function) when one is first read.

    Counting, threading and grouping never read them; equality, hashing, serialisation and
    ``model_copy(update={"raw": ...})`` compute them first, and pickles stay lazy.
    """
    for name in TEXT_FIELDS:
        del patch.__dict__[name]
    return patch


#: Subject tags of a stable backport, beside which ``v4.9`` names a tree, not a version.
STABLE_TAGS = frozenset({"autosel", "stable"})


def stable_tree(tags: Sequence[str]) -> str | None:
    """Return the stable tree subject tags name, None when they name no backport.

    A tree is ``6.12``, ``5.15.y``, ``v5.15.y`` or ``6.17-5.4`` (returned as ``"6.12"``,
    ``"5.15"``, ``"5.15"``, ``"6.17-5.4"``), a tag that says both (``for-stable-5.10``,
    ``stable-5.4``), or ``v4.9`` beside an AUTOSEL or stable tag
    (``[PATCH stable v4.9 v2]``); alone, ``v4.9`` is a point revision of v4 (``[PATCH v4.1
    4/4]``, ``[PATCH v5.5 00/30]``). A tag naming no tree gives ``""``.
    """
    lowered = [tag.lower() for tag in tags]
    tagged = not STABLE_TAGS.isdisjoint(lowered)
    for tag in lowered:
        named = _tree_in_tag(tag)
        if named is not None:
            return named
        name = tag.removesuffix(".y")
        if name.startswith("v") and (tagged or name != tag):
            name = name[1:]
        if _names_trees(name):
            return name
    return "" if tagged else None


def _tree_in_tag(tag: str) -> str | None:
    """The tree one tag names with its stable mark (``stable-5.4``, ``for-stable-5.10``,
    ``stable-5.10.y``), ``""`` for such a tag naming no tree in our form (``stable-4.{4``:
    a comma split the tag), None for any other tag."""
    name = tag.removeprefix("for-").removeprefix("stable-").removesuffix(".y")
    if name == tag.removeprefix("for-") or not name.removeprefix("v")[:1].isdigit():
        return None
    name = name.removeprefix("v")
    return name if _names_trees(name) else ""


def _names_trees(name: str) -> bool:
    """Whether name is a tree (``6.12``) or a range of them (``6.17-5.4``)."""
    return all(
        len(parts) == 2 and all(part.isdigit() for part in parts)
        for parts in (tree.split(".") for tree in name.split("-"))
    )


class Series(_Frozen):
    """One version of a patch series: its cover letter and patches, ordered by index."""

    version: int = 1
    total: int = 1
    cover: Patch | None = None
    patches: tuple[Patch, ...] = ()
    replaced: tuple[Patch, ...] = Field(
        default=(),
        description="Patches a point revision replaced ([PATCH v4.1 4/4] over v4's 4/4), and "
        "RESENDs of one patch answering it ([PATCH v3 RESEND 4/7] answering v3's 4/7)",
    )
    previous_id: str | None = Field(
        default=None,
        description="Anchor Message-ID of the previous revision (filled by with_revisions)",
    )
    next_id: str | None = Field(
        default=None,
        description="Anchor Message-ID of the next revision (filled by with_revisions)",
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def missing(self) -> tuple[int, ...]:
        """Indices 1..total for which no patch arrived."""
        present = {p.index for p in self.patches}
        return tuple(i for i in range(1, self.total + 1) if i not in present)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def first(self) -> Patch | None:
        """The cover letter, else the lowest-numbered patch."""
        if self.cover is not None:
            return self.cover
        return self.patches[0] if self.patches else None

    @property
    def is_backport(self) -> bool:
        """True when the series' first mail is a stable backport (AUTOSEL sends each list
        only the backports that touch it: such a series is partial by design)."""
        return self.first is not None and self.first.is_backport

    @property
    def stable_tree(self) -> str | None:
        """The stable tree the series' first mail backports to (``Patch.stable_tree``:
        ``"6.12"``; ``""`` when its tag names none), None when it is no backport."""
        return self.first.stable_tree if self.first is not None else None

    @property
    def base_commit(self) -> str | None:
        """The cover letter's ``base-commit:`` (``Patch.base_commit``), else the first
        patch's; None when neither gives one."""
        return self._first_given("base_commit")

    @property
    def change_id(self) -> str | None:
        """The cover letter's b4 ``change-id:`` (``Patch.change_id``), else the first
        patch's; None when neither gives one."""
        return self._first_given("change_id")

    def _first_given(self, name: str) -> str | None:
        for mail in (self.cover, self.patches[0] if self.patches else None):
            value = getattr(mail, name) if mail is not None else None
            if value is not None:
                return cast("str", value)
        return None

    @property
    def anchor_id(self) -> str | None:
        """The Message-ID that names the series: its cover letter's, else its first patch's."""
        first = self.first
        return first.message_id if first else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def title(self) -> str:
        """The cover letter's title, else the first patch's; the first patch's too when the
        cover's is git's template left as is (its defect ``unedited-cover``)."""
        first = self.first
        if first is None:
            return ""
        if first.defects and self.patches and first is self.cover:
            unedited = any(defect.kind == "unedited-cover" for defect in first.defects)
            return self.patches[0].title if unedited else first.title
        return first.title

    @computed_field  # type: ignore[prop-decorator]
    @property
    def author(self) -> Person | None:
        first = self.first
        return first.author if first else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def date(self) -> datetime | None:
        """The earliest plausible date of its mails (plausible_date); when none has one,
        the earliest date they say (a series posted wholly from a broken clock)."""
        if (plausible := self.plausible_date) is not None:
            return plausible
        dates = [m.date for m in self.messages if m.date is not None]
        return min(dates) if dates else None

    @property
    def plausible_date(self) -> datetime | None:
        """The earliest plausible date of its mails (Message.plausible_date): what puts a
        series in a period and starts its waits; None when no mail has one."""
        dates = [d for m in self.messages if (d := m.plausible_date) is not None]
        return min(dates) if dates else None

    @property
    def messages(self) -> tuple[Patch, ...]:
        """Cover letter (if any), patches, then the patches point revisions replaced."""
        return ((self.cover,) if self.cover else ()) + self.patches + self.replaced

    def __repr__(self) -> str:
        from kvmlist._html import index_ranges

        state = "complete" if self.complete else f"missing {index_ranges(self.missing)}"
        return (
            f"<Series v{self.version} {len(self.patches)}/{self.total} {self.title[:50]!r} {state}>"
        )

    def _repr_html_(self) -> str:
        from kvmlist._html import series_html

        return series_html(self)
