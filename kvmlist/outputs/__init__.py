"""What leaves kvmlist: the weekly report, DataFrames and files, plots, mbox and b4 objects."""
