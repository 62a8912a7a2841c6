"""Mail texts from the seed archive that several tests read (one copy, not one per test file)."""

from __future__ import annotations

# kvm-unit-tests v4 07/11 from the seed, shortened: sent by Joey Gouly, written by Alexandru.
# The hunk adds a line reading "-- ": only the "-- " after the hunk starts the signature.
SEED_PATCH = """\
From: Alexandru Elisei <alexandru.elisei@arm.com>

At EL2, hvc would target the current EL, use smc so that it targets EL3.

Signed-off-by: Alexandru Elisei <alexandru.elisei@arm.com>
Signed-off-by: Joey Gouly <joey.gouly@arm.com>
Acked-by: Marc Zyngier <maz@kernel.org>
Reviewed-by: Eric Auger <eric.auger@redhat.com>
---
v4: use smc only at EL2

 arm/micro-bench.c | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/arm/micro-bench.c b/arm/micro-bench.c
index f47c5fc1..a6a78f20 100644
--- a/arm/micro-bench.c
+++ b/arm/micro-bench.c
@@ -282,3 +282,4 @@ static bool mmio_read_user_prep(void)
 \treturn true;
-}
+};
+--\x20
\x20
--\x20
2.25.1
"""
