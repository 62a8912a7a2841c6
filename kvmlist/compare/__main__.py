"""``python -m kvmlist.compare``: see kvmlist.compare.command."""

from kvmlist.compare.command import main

raise SystemExit(main())
