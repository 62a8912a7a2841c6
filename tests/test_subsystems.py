"""MAINTAINERS sections: F:/X:/N:/K: patterns, and per-section series, latency and answers."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

import kvmlist
from kvmlist.analysis.maintainers import Maintainers, Section
from kvmlist.analysis.subsystems import NO_SECTION, subsystem_stats
from kvmlist.cli.commands import main
from kvmlist.errors import UsageError

from .conftest import FIXTURES, mail, mbox

ARM64 = "KERNEL VIRTUAL MACHINE FOR ARM64 (KVM/arm64)"
CORE = "KERNEL VIRTUAL MACHINE (KVM)"
X86 = "KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)"
GMEM = "KVM GUEST_MEMFD"


@pytest.fixture(scope="module")
def maintainers() -> Maintainers:
    return Maintainers.from_file(FIXTURES / "MAINTAINERS")


def test_sections_people_and_lists_are_read(maintainers: Maintainers) -> None:
    assert len(maintainers.sections) == 8  # the preamble's indented examples are no section
    arm64 = next(s for s in maintainers.sections if s.name == ARM64)
    assert [p.email for p in arm64.maintainers] == ["cfyfe@kernel.org"]
    assert [p.name for p in arm64.reviewers] == ["Priya Raghunathan", "Hannah Whitlock"]
    assert arm64.lists == ["kvmarm@lists.linux.dev"] and arm64.status == "Maintained"


@pytest.mark.parametrize(
    ("path", "sections"),
    [
        ("arch/arm64/kvm/vgic/vgic-its.c", [ARM64]),  # "dir/" covers what is below
        ("arch/arm64/kvm/vgic/trace.h", ["KERNEL VIRTUAL MACHINE FOR ARM64 VGIC TRACING"]),  # X:
        ("arch/arm64/include/asm/kvm_host.h", [ARM64]),  # "kvm*" within the directory
        ("virt/kvm/kvm_main.c", [CORE]),  # "virt/kvm/*": files in it...
        ("virt/kvm/sub/dir.c", []),  # ...but not below
        ("virt/kvm/guest_memfd.c", [GMEM]),  # excluded from the core, taken by its own
        ("arch/x86/kvm/hyperv.c", ["KVM X86 HYPER-V (KVM/hyper-v)"]),  # "hyperv.*"
        ("arch/x86/kvm/lapic.c", [X86]),
        ("tools/testing/selftests/kvm/riscv/sbi_pmu_test.c", ["KVM SELFTESTS"]),  # N: regex
        ("arm/pmu.c", []),
    ],
)
def test_paths_map_to_sections(maintainers: Maintainers, path: str, sections: list[str]) -> None:
    assert [s.name for s in maintainers.sections_of_path(path)] == sections


WIDE_PATHS = [
    "arch/arm64/kvm/vgic/vgic-its.c",
    "arch/arm64/kvm/hyp/nvhe/mem_protect.c",
    "arch/arm64/include/asm/kvm_host.h",
    "arch/arm64/boot/dts/amlogic/meson-g12b.dtsi",
    "drivers/clk/meson/g12a.c",
    "drivers/gpu/drm/aspeed/aspeed_gfx_drv.c",
    "include/uapi/linux/bpf.h",
    "arch/x86/kvm/svm/hyperv.h",
    "arch/x86/kvm/vmx/vmx.c",
    "arch/x86/include/asm/vmx.h",
    "arch/riscv/include/asm/kvm_para.h",
    "arch/powerpc/net/bpf_jit_comp.c",
    "arch/s390/mm/kasan_init.c",
    "virt/kvm/guest_memfd.c",
    "virt/kvm/kvm_main.c",
    "virt/kvm/sub/dir.c",
    "tools/testing/selftests/kvm/arm64/vgic_init.c",
    "tools/testing/selftests/kvm/lib/x86/processor.c",
    "tools/testing/selftests/mm/gup_test.c",
    "drivers/irqchip/irq-gic-v3-its.c",
    "drivers/irqchip/irq-gic.c",
    "drivers/net/ethernet/intel/ice/ice_dpll.c",
    "drivers/net/ethernet/intel/idpf/idpf_txrx.c",
    "drivers/net/ethernet/stmicro/stmmac/dwmac-qcom-ethqos.c",
    "drivers/net/wireless/ath/ath11k/core.c",
    "drivers/pci/controller/dwc/pcie-designware.c",
    "drivers/perf/hisilicon/hisi_pcie_pmu.c",
    "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c",
    "drivers/ptp/ptp_clock.c",
    "Documentation/devicetree/bindings/net/ethernet-controller.yaml",
    "Documentation/virt/kvm/api.rst",
    "Documentation/dev-tools/kasan.rst",
    "include/linux/kasan.h",
    "include/linux/slab.h",
    "include/uapi/linux/kvm.h",
    "include/uapi/linux/if_link.h",
    "mm/kasan/report.c",
    "mm/slub.c",
    "mm/vmalloc.c",
    "kernel/time/timekeeping.c",
    "rust/kernel/alloc.rs",
    "samples/rust/rust_minimal.rs",
    "scripts/generate_rust_analyzer.py",
    "net/core/dev.c",
    "net/mac80211/rx.c",
    "MAINTAINERS",
    "Makefile",
    "",
    "/abs/path.c",
    "arch//arm64/kvm/x.c",
]


@pytest.fixture(scope="module")
def wide() -> Maintainers:
    return Maintainers.from_file(FIXTURES / "MAINTAINERS-wide")


def _every_section(maintainers: Maintainers, path: str) -> list[str]:
    """The definition: every section, in order, checked against the path."""
    return [s.name for s in maintainers.sections if s.covers(path)]


@pytest.mark.parametrize("path", WIDE_PATHS)
def test_indexed_lookup_finds_what_checking_every_section_finds(
    wide: Maintainers, path: str
) -> None:
    assert [s.name for s in wide.sections_of_path(path)] == _every_section(wide, path)


def test_a_path_is_checked_against_the_sections_that_can_take_it_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = []
    for n in range(3000):  # the kernel's file has about 3,000 sections
        lines += [f"DRIVER {n}", f"M:\tDev {n} <d{n}@example.org>"]
        lines += [f"F:\tdrivers/net/d{n}/", f"F:\tinclude/linux/d{n}*.h"]
        lines += [f"X:\tdrivers/net/d{n}/old/", f"N:\td{n}_legacy", ""]
    lines += ["THE REST", "F:\t*", "F:\t*/", ""]
    maintainers = Maintainers.parse(lines)
    checked: list[str] = []
    covers = Section.covers
    monkeypatch.setattr(Section, "covers", lambda s, p: checked.append(s.name) or covers(s, p))
    # d2999_regs.h is d2*, d29*, d299* and d2999*; no N: regex is in these paths (one that
    # is costs a check of every section with an N:, as the kernel's ~150)
    for path in ["drivers/net/d17/main.c", "include/linux/d2999_regs.h", "drivers/gpu/x.c"]:
        found = [s.name for s in maintainers.sections_of_path(path)]
        assert "THE REST" in found and len(checked) <= 8, (path, found, len(checked))
        checked.clear()
    maintainers.sections_of_path("drivers/net/d17/main.c")
    assert checked == []  # asked again: the answer is kept


def test_a_bad_regex_names_the_line() -> None:
    with pytest.raises(UsageError, match=r"M line 3: bad N: pattern"):
        Maintainers.parse(["KVM", "F:\tvirt/kvm/", "N:\t(unclosed"], source="M")


DIFF = """\
Fix it.

Signed-off-by: {name} <{email}>
---
 {path} | 1 +
 1 file changed, 1 insertion(+)

diff --git a/{path} b/{path}
index 1111111..2222222 100644
--- a/{path}
+++ b/{path}
@@ -1,3 +1,4 @@
 a
 b
+{added}
 c
"""


def _patch(subject: str, mid: str, path: str, *, parent: str = "", added: str = "x") -> bytes:
    sender = "Hannah Whitlock <hannah.whitlock@arm.com>"
    body = DIFF.format(name="Hannah Whitlock", email="hannah.whitlock@arm.com", path=path,
                       added=added)  # fmt: skip
    extra = f"In-Reply-To: <{parent}@x>\n" if parent else ""
    return mail(subject, body, sender=sender, message_id=f"<{mid}@x>", extra=extra,
                date="Mon, 2 Mar 2026 10:00:00 +0000")  # fmt: skip


def _reply(sender: str, parent: str, mid: str, hour: int, text: str) -> bytes:
    return mail("Re: [PATCH]", f"> a\n\n{text}\n", sender=sender, message_id=f"<{mid}@x>",
                extra=f"In-Reply-To: <{parent}@x>\nReferences: <{parent}@x>\n",
                date=f"Mon, 2 Mar 2026 {hour}:00:00 +0000")  # fmt: skip


def _archive() -> bytes:
    return mbox(
        mail("[PATCH 0/2] KVM: arm64: Two fixes", "Two.\n", message_id="<a0@x>",
             sender="Hannah Whitlock <hannah.whitlock@arm.com>",
             date="Mon, 2 Mar 2026 10:00:00 +0000"),
        _patch("[PATCH 1/2] KVM: arm64: one", "a1", "arch/arm64/kvm/arm.c", parent="a0"),
        _patch("[PATCH 2/2] KVM: two", "a2", "virt/kvm/kvm_main.c", parent="a0"),
        _reply("Priya Raghunathan <priyar@google.com>", "a0", "ra", 12,
               "Reviewed-by: Priya Raghunathan <priyar@google.com>"),
        _patch("[PATCH] KVM: x86: lapic", "b", "arch/x86/kvm/lapic.c"),
        _reply("Catriona Fyfe <cfyfe@kernel.org>", "b", "rb", 15, "Why not in the caller?"),
        _patch("[PATCH] arm: pmu test", "c", "arm/pmu.c", added="kvm_gmem_bind(slot);"),
    )  # fmt: skip


def test_stats_per_section(maintainers: Maintainers) -> None:
    stats = {s.section.name: s for s in subsystem_stats(kvmlist.read_mbox(io.BytesIO(_archive())),
                                                      maintainers)}  # fmt: skip
    arm64 = stats[ARM64]
    assert (arm64.series, arm64.patches, arm64.answered, arm64.answered_by_maintainer) == (
        1,
        1,
        1,
        1,
    )
    assert arm64.median("first_review") == timedelta(hours=2)
    core = stats[CORE]  # patch 2/2 only; its maintainer did not answer
    assert (core.series, core.patches, core.answered_by_maintainer) == (1, 1, 0)
    x86 = stats[X86]  # answered, but by the arm64 maintainer
    assert (x86.answered, x86.answered_by_maintainer, x86.answered_share) == (1, 0, 0.0)
    assert x86.median("first_reply") == timedelta(hours=5) and x86.median("first_review") is None
    assert stats[GMEM].series == 1  # K: found kvm_gmem_bind( in the arm/pmu.c diff
    assert NO_SECTION not in stats


def test_a_robots_report_answers_no_section(maintainers: Maintainers) -> None:
    report = "Hi,\n\nkernel test robot noticed the following build errors:\n"
    raw = mbox(_patch("[PATCH] KVM: x86: lapic", "b", "arch/x86/kvm/lapic.c"),
               _reply("kernel test robot <lkp@intel.com>", "b", "rb", 15, report))  # fmt: skip
    x86 = {s.section.name: s for s in subsystem_stats(kvmlist.read_mbox(io.BytesIO(raw)),
                                                    maintainers)}[X86]  # fmt: skip
    assert (x86.answered, x86.median("first_reply")) == (0, None)


def test_patches_no_section_covers(maintainers: Maintainers) -> None:
    raw = _patch("[PATCH] arm: unittests", "u", "arm/unittests.cfg")
    stats = subsystem_stats(kvmlist.read_mbox(io.BytesIO(mbox(raw))), maintainers)
    assert [(s.section.name, s.series, s.answered_share) for s in stats] == [(NO_SECTION, 1, 0.0)]


def test_subsystems_command_on_the_sample_week(capsys: pytest.CaptureFixture[str]) -> None:
    sample, path = str(FIXTURES / "kvm-sample.mbox"), str(FIXTURES / "MAINTAINERS")
    assert main(["subsystems", sample, "--maintainers", path, "--format", "json"]) == 0
    rows = {r["section"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[ARM64]["series"] >= 3 and rows[ARM64]["by_maintainer"] >= 1
    assert rows[NO_SECTION]["series"] >= 1  # kvm-unit-tests' arm/pmu.c is no kernel path
    assert main(["subsystems", sample, "--maintainers", path]) == 0
    assert "None" not in capsys.readouterr().out


def test_subsystems_without_a_readable_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = str(FIXTURES / "kvm-sample.mbox")
    assert main(["subsystems", sample, "--maintainers", str(tmp_path / "nope")]) == 2
    assert "cannot read the MAINTAINERS file" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["subsystems", "site"])
@pytest.mark.parametrize("content", [b"", bytes(range(256)) * 20, b"From x\nSubject: hi\n\nbody\n"])
def test_a_file_without_a_section_is_no_maintainers_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, content: bytes
) -> None:
    given = tmp_path / "MAINTAINERS"
    given.write_bytes(content)
    with pytest.raises(UsageError, match="no sections found: not a MAINTAINERS file"):
        Maintainers.from_file(given)
    argv = [command, str(FIXTURES / "kvm-sample.mbox"), "--maintainers", str(given)]
    assert main([*argv, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a MAINTAINERS file" in err
    assert not (tmp_path / "out").exists()
