"""Data files shipped with kvmlist (the starter organisation map)."""
