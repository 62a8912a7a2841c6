"""How good are the tiers? Measured on a tree whose trailers name their mails.

The commits whose ``Link:``/``Message-Id:`` trailers name a mail of the archive are ground
truth. The weaker tiers are then run with the link tier hidden, and their answers on those
commits compared with what the trailers say; the fuzzy tier alone is also compared with
everything the link and patch-id tiers found (a larger, if easier, sample).

An answer is *correct* when it is the named mail or another posting of the same patch (equal
patch-id, or the same subject and author): trailers sometimes name an older revision than the
one applied. *Exact* counts only the named mail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kvmlist.grouping.landed import match_inputs
from kvmlist.grouping.landed.fuzzy import patch_key
from kvmlist.grouping.landed.inputs import Inputs
from kvmlist.grouping.landed.model import How, LandedMap, Posted


@dataclass(frozen=True, slots=True)
class TierScore:
    """One tier (or a run of tiers) against a ground truth of commit -> mail."""

    name: str
    truth: int  # commits in the ground truth
    answered: int  # of those, commits the measured run placed a mail on
    correct: int  # answers naming the true mail or another posting of the same patch
    exact: int  # answers naming the true mail itself

    @property
    def precision(self) -> float:
        return self.correct / self.answered if self.answered else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.truth if self.truth else 1.0


def measure_tiers(inputs: Inputs) -> list[TierScore]:
    """Return the scores of the weaker tiers against the link trailers (and of fuzzy alone
    against link + patch-id)."""
    posted = {p.message_id: p for p in inputs.posted}
    full = match_inputs(inputs)
    by_link = _truth(full, ("link",), posted)
    scores = []
    runs: tuple[tuple[str, tuple[How, ...]], ...] = (
        ("patch-id + fuzzy (links hidden)", ("patch-id", "fuzzy")),
        ("patch-id alone (links hidden)", ("patch-id",)),
        ("fuzzy alone (links hidden)", ("fuzzy",)),
    )
    for name, tiers in runs:
        scores.append(_score(name, match_inputs(inputs, tiers), by_link, posted))
    strong = _truth(full, ("link", "patch-id"), posted)
    fuzzy = match_inputs(inputs, ("fuzzy",))
    scores.append(_score("fuzzy alone vs link + patch-id", fuzzy, strong, posted))
    return scores


def _truth(landed: LandedMap, tiers: Iterable[How], posted: Mapping[str, Posted]) -> dict[str, str]:
    """Return commit -> mail for the landings of the tiers, [PULL] copies left out."""
    wanted = set(tiers)
    return {
        one.commit: one.message_id
        for one in landed.landings.values()
        if one.how in wanted and not posted[one.message_id].copy
    }


def _score(
    name: str, run: LandedMap, truth: Mapping[str, str], posted: Mapping[str, Posted]
) -> TierScore:
    answers: dict[str, list[str]] = {}
    for one in run.landings.values():
        if one.commit in truth and one.how != "squashed":
            answers.setdefault(one.commit, []).append(one.message_id)
    correct = exact = 0
    for commit, mails in answers.items():
        true = posted[truth[commit]]
        exact += truth[commit] in mails
        correct += any(same_patch(posted[m], true) for m in mails)
    return TierScore(name, len(truth), len(answers), correct, exact)


def same_patch(one: Posted, other: Posted) -> bool:
    """True for two postings of one patch: the same mail, patch-id, or subject and author."""
    if one.message_id == other.message_id:
        return True
    if one.patch_id and one.patch_id == other.patch_id:
        return True
    return patch_key(one) == patch_key(other)
