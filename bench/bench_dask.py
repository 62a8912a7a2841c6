"""Dask scale-out: mails/s on a LocalCluster of 1 then 2 workers, and per partition size.

    python bench/bench_dask.py [--corpus PATH] [--repeat N] [--no-write]

Workers are processes with one thread each. Every row is the best of ``--repeat`` runs of
``kvmlist.scale.dask.count_by_domain(messages_bag(...))`` (planning, parsing in the workers,
combining on the client), after a warm-up; the baseline is ``kvmlist.count_by_domain``
in this process.
The table and the estimate for all of lore go to docs/scale.md, between
``<!-- bench:start -->`` and ``<!-- bench:end -->``. Without ../shared the corpus is generated.
"""

from __future__ import annotations

import argparse
import logging
import lzma
import os
import platform
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "kvmarm.mboxrd.xz"
CACHE = ROOT / "bench" / ".cache"
DOC = ROOT / "docs" / "scale.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
#: The size of lore.kernel.org assumed by the estimate (all lists, all years).
LORE_MESSAGES = 30_000_000
DEFAULT_CHUNK = 2000  # kvmlist.scale.dask.CHUNK_MESSAGES


@dataclass(frozen=True)
class Row:
    """One measured run."""

    label: str
    workers: int
    chunk: int | None
    partitions: int
    mails: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.mails / self.seconds


def corpus_mbox(source: Path) -> tuple[Path, str]:
    """Return a plain mboxrd to read (decompressed once) and a description of it."""
    CACHE.mkdir(parents=True, exist_ok=True)
    if source.exists():
        target = CACHE / "kvmarm.mbox"  # the same file bench.py decompresses
        if not target.exists():
            unfinished = target.with_suffix(f".{os.getpid()}.tmp")
            with lzma.open(source) as packed, unfinished.open("wb") as out:
                shutil.copyfileobj(packed, out, 1 << 20)
            unfinished.replace(target)
        return target, f"{source.name} (whole, decompressed once)"
    target = CACHE / "generated-dask.mbox"
    if not target.exists():
        target.write_bytes(generated_corpus(20_000))
    return target, "generated corpus (../shared absent), 20,000 mails"


def generated_corpus(count: int) -> bytes:
    """Return an mboxrd of numbered patches, five to a threaded series."""
    out = []
    for i in range(count):
        who = f"Dev {i % 97} <dev{i % 97}@example{i % 7}.org>"
        cover = f"<{i - i % 5}@example.org>"
        thread = f"In-Reply-To: {cover}\nReferences: {cover}\n" if i % 5 else ""
        head = (
            f"From: {who}\nSubject: [PATCH v2 {i % 5 + 1}/5] KVM: thing {i // 5}\n"
            f"Date: Tue, 3 Mar 2026 10:{i // 60 % 60:02d}:{i % 60:02d} +0000\n"
            f"Message-ID: <{i}@example.org>\n{thread}\n"
        )
        body = (
            f"Fix number {i}.\n\nSigned-off-by: {who}\n---\n f{i}.c | 2 +-\n"
            f" 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
            f"diff --git a/f{i}.c b/f{i}.c\n--- a/f{i}.c\n+++ b/f{i}.c\n@@ -1 +1 @@\n-a\n+b\n"
        )
        out.append(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + (head + body).encode() + b"\n")
    return b"".join(out)


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """Return the shortest wall time of ``repeat`` runs and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def single_process(path: Path, repeat: int) -> Row:
    import kvmlist

    seconds, _ = best_of(repeat, lambda: kvmlist.count_by_domain(kvmlist.read_mbox(path)))
    mails = sum(1 for _ in kvmlist.read_mbox(path))
    return Row("domain counts", 0, None, 1, mails, seconds)


def on_cluster(path: Path, workers: int, chunks: list[int], repeat: int, mails: int) -> list[Row]:
    """Measure domain counts (per chunk size) and series on a fresh LocalCluster."""
    from distributed import Client, LocalCluster

    import kvmlist.scale.dask as kd

    rows = []
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
            silence_logs=logging.CRITICAL,  # a closing cluster logs heartbeats it missed
        ) as cluster,
        Client(cluster),  # type: ignore[no-untyped-call]
    ):
        kd.count_by_domain(kd.messages_bag(ROOT / "fixtures" / "kvm-sample.mbox"))  # warm-up
        for chunk in chunks:
            seconds, partitions = best_of(repeat, partial(counted, kd, path, chunk))
            rows.append(Row("domain counts", workers, chunk, partitions, mails, seconds))
        seconds, partitions = best_of(1, partial(grouped, kd, path, DEFAULT_CHUNK))
        rows.append(Row("series", workers, DEFAULT_CHUNK, partitions, mails, seconds))
    return rows


def counted(kd: Any, path: Path, chunk: int) -> int:
    """Count patch mails per domain on the cluster; return the number of partitions."""
    bag = kd.messages_bag(path, chunk_messages=chunk)
    kd.count_by_domain(bag)
    return int(bag.npartitions)


def grouped(kd: Any, path: Path, chunk: int) -> int:
    """Group the series on the cluster (two passes and a shuffle); return the partitions."""
    bag = kd.messages_bag(path, chunk_messages=chunk)
    kd.group_series(bag)
    return int(bag.npartitions)


def series_single_process(path: Path) -> Row:
    import kvmlist

    seconds, _ = best_of(1, lambda: kvmlist.group_series(kvmlist.read_mbox(path)))
    mails = sum(1 for _ in kvmlist.read_mbox(path))
    return Row("series", 0, None, 1, mails, seconds)


def render(rows: list[Row], path: Path, described: str, where: str) -> str:
    """Return the Markdown section: measured table, then the estimate derived from it."""
    one, two = (find(rows, "domain counts", workers) for workers in (1, 2))
    speedup = two.rate / one.rate
    efficiency = speedup / 2
    bytes_per_mail = path.stat().st_size / one.mails
    out = [
        START,
        f"Measured by `bench/bench_dask.py` on {date.today().isoformat()}, {where}.",
        f"Input: {described}; {one.mails:,} mails, {bytes_per_mail / 1024:.1f} KiB per mail.",
        "Workers are processes with one thread each, on loopback; the client and scheduler share",
        "the machine with them (and with other people's jobs: see the load average).",
        "",
        "| run | workers | mails/partition | partitions | seconds | mails/s | vs no Dask |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        chunk = f"{row.chunk:,}" if row.chunk else "—"
        who = str(row.workers) if row.workers else "no Dask"
        baseline = next(r for r in rows if r.label == row.label and not r.workers).rate
        out.append(
            f"| {row.label} | {who} | {chunk} | {row.partitions} | {row.seconds:.2f} "
            f"| {row.rate:,.0f} | {row.rate / baseline:.2f}x |"
        )
    per_mail_ms = 1000 / one.rate
    lore_bytes = LORE_MESSAGES * bytes_per_mail
    out += [
        "",
        f"* measured: 2 workers / 1 worker, domain counts at {DEFAULT_CHUNK:,} mails per "
        f"partition: **{speedup:.2f}x**, scaling efficiency (speedup / workers) "
        f"**{efficiency:.2f}**",
        f"* measured: cost per mail on one worker, planning and combining included: "
        f"{per_mail_ms:.2f} ms",
        "",
        f"Estimate for all of lore ({LORE_MESSAGES / 1e6:.0f} million mails, assumed; about "
        f"{lore_bytes / 1e9:,.0f} GB at this corpus's bytes per mail), assuming the measured "
        f"per-mail cost and that the 2-worker efficiency holds on more workers (not measured):",
        "",
        "| workers | hours (estimate) | minutes (estimate) |",
        "|---:|---:|---:|",
    ]
    for workers in (1, 8, 32, 128):
        scale = 1 if workers == 1 else workers * efficiency
        hours = LORE_MESSAGES * per_mail_ms / 1000 / scale / 3600
        out.append(f"| {workers} | {hours:.2f} | {hours * 60:.0f} |")
    out.append(END)
    return "\n".join(out)


def find(rows: list[Row], label: str, workers: int) -> Row:
    """Return the row of a run at the default partition size."""
    return next(r for r in rows if (r.label, r.workers, r.chunk) == (label, workers, DEFAULT_CHUNK))


def machine() -> str:
    cpu = "unknown CPU"
    if os.path.exists("/proc/cpuinfo"):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()}, {cpu}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load:.1f} at the start"
    )


def write_section(section: str) -> None:
    """Replace the marked section of docs/scale.md (append it when the markers are absent)."""
    text = DOC.read_text() if DOC.exists() else ""
    if START in text and END in text:
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    path, described = corpus_mbox(args.corpus)
    where = machine()
    print(f"machine: {where}\ninput: {described}")
    rows = [single_process(path, args.repeat)]
    mails = rows[0].mails
    rows += on_cluster(path, 1, [DEFAULT_CHUNK], args.repeat, mails)
    rows += on_cluster(path, 2, [1000, DEFAULT_CHUNK, 5000, 20_000], args.repeat, mails)
    rows.append(series_single_process(path))
    section = render(rows, path, described, where)
    print(section)
    if not args.no_write:
        write_section(section)
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
