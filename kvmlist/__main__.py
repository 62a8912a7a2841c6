"""``python -m kvmlist``: the same command line as ``kvmlist``."""

import sys

from kvmlist.cli import main

sys.exit(main())
