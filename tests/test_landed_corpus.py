"""Landed on real ground: the kvmarm archive against the kvm-unit-tests tree (docs/landed.md).

The commits whose trailers name their mail are the ground truth; the weaker tiers run with
those trailers hidden. Runs under ``make test-corpus`` (whole archive only).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable

import pytest

from kvmlist.grouping.landed import match_inputs, read_inputs
from kvmlist.grouping.landed.inputs import Inputs
from kvmlist.grouping.landed.measure import TierScore, measure_tiers
from kvmlist.models import Patch

from .conftest import SHARED, Corpus, need

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]


@pytest.fixture(scope="module")
def inputs(
    whole_corpus: Callable[[str], Corpus], tmp_path_factory: pytest.TempPathFactory
) -> Inputs:
    bundle = need(SHARED / "trees" / "kvm-unit-tests.bundle")
    tree = tmp_path_factory.mktemp("kut") / "kvm-unit-tests"
    subprocess.run(["git", "clone", "-q", str(bundle), str(tree)], check=True)
    return read_inputs(whole_corpus("kvmarm").messages, tree)


@pytest.fixture(scope="module")
def scores(inputs: Inputs) -> dict[str, TierScore]:
    return {score.name: score for score in measure_tiers(inputs)}


def test_the_trailers_give_a_ground_truth_of_twenty_odd_commits(scores) -> None:  # type: ignore[no-untyped-def]
    assert 20 <= scores["patch-id + fuzzy (links hidden)"].truth <= 40


@pytest.mark.parametrize(
    "run",
    [
        "patch-id + fuzzy (links hidden)",
        "patch-id alone (links hidden)",
        "fuzzy alone (links hidden)",
        "fuzzy alone vs link + patch-id",
    ],
)
def test_every_tier_is_precise(scores, run: str) -> None:  # type: ignore[no-untyped-def]
    assert scores[run].precision >= 0.99


def test_without_the_trailers_the_tiers_still_find_what_landed(scores) -> None:  # type: ignore[no-untyped-def]
    assert scores["patch-id + fuzzy (links hidden)"].recall >= 0.95
    assert scores["fuzzy alone vs link + patch-id"].recall >= 0.95
    assert scores["fuzzy alone vs link + patch-id"].truth >= 100


def test_only_kvm_unit_tests_patches_land_in_the_kvm_unit_tests_tree(
    inputs: Inputs, whole_corpus: Callable[[str], Corpus]
) -> None:
    landed = match_inputs(inputs)
    by_id = {m.message_id: m for m in whole_corpus("kvmarm").messages}
    prefixed = [
        any("unit-tests" in p for p in by_id[key].prefixes)
        for key in landed.landings
        if isinstance(by_id[key], Patch)
    ]
    assert len(prefixed) >= 150
    assert sum(prefixed) / len(prefixed) >= 0.99
