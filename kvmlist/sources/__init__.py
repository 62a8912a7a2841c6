"""Sources: mbox, Maildir, public-inbox git and lore HTTP, read and handed to the parser."""
