"""Warnings a source gives about mails it leaves out on purpose, apart from the readers
that give them, so that the command line can catch them without loading those readers."""


class WithdrawnMail(UserWarning):
    """A mail of a public-inbox archive that a later commit removed was left out."""


class FeedIncomplete(UserWarning):
    """An inbox's feed of new messages may not reach back to the time asked: mails between
    may be missing (public-inbox's feed holds the newest 25 entries and cannot be paged)."""
