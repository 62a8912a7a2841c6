"""Warnings a source gives about mails it leaves out on purpose, apart from the readers
that give them, so that the command line can catch them without loading those readers."""


class WithdrawnMail(UserWarning):
    """A mail of a public-inbox archive that a later commit removed was left out."""
