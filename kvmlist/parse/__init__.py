"""Parsing: one raw message (bytes) -> Message or Patch, with its defects; no I/O."""
