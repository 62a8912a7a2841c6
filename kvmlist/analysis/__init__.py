"""Counts, identities and organisations, review statistics and checks: values that merge."""
