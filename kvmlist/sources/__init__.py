"""Bytes in: every way kvmlist reads mail yields raw messages to the parser."""
