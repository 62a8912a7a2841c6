"""A parsed patch's commit message, trailers and diffstat are computed on first read.

Counting, threading and grouping never read them, so the parser leaves them out
(``models.defer_text_fields``); every way a patch is looked at must still see the same
values as a patch that holds them: attribute reads, equality, hashing, JSON, pickles,
copies that drop the raw bytes, and nested serialisation inside a Series.
"""

from __future__ import annotations

import copy
import json
import pickle
from concurrent.futures import ThreadPoolExecutor

import pytest

from kvmlist import Patch, Series, parse_message
from kvmlist.models import TEXT_FIELDS
from kvmlist.parse.patch_text import patch_text_fields
from tests.conftest import mail

BODY = """\
From: Ada Author <ada@example.org>

The vgic ITS save path walked the device table twice; walk it once
and keep the entries it found.

Reviewed-by: Marc Zyngier <maz@kernel.org>
Signed-off-by: Ada Author <ada@example.org>
---
 arch/arm64/kvm/vgic/vgic-its.c | 6 ++----
 1 file changed, 2 insertions(+), 4 deletions(-)

diff --git a/arch/arm64/kvm/vgic/vgic-its.c b/arch/arm64/kvm/vgic/vgic-its.c
index 0123456..89abcde 100644
--- a/arch/arm64/kvm/vgic/vgic-its.c
+++ b/arch/arm64/kvm/vgic/vgic-its.c
@@ -10,8 +10,6 @@ static int vgic_its_save(struct vgic_its *its)
 \tint ret;
-\tret = walk(its);
-\tif (ret)
-\t\treturn ret;
-\tret = walk(its);
+\tret = walk(its);
+\t/* once */
 \treturn ret;
 }
--
2.47.0
"""


def parsed() -> Patch:
    patch = parse_message(mail("[PATCH v2 3/7] KVM: arm64: vgic-its: Walk once", BODY))
    assert isinstance(patch, Patch)
    return patch


def held(patch: Patch) -> Patch:
    """The same patch holding every field, as a user would build it."""
    return Patch(**{name: getattr(patch, name) for name in Patch.model_fields})


def test_text_fields_are_read_from_the_body() -> None:
    patch = parsed()
    assert patch.commit_message.startswith("The vgic ITS save path")
    assert patch.commit_message.endswith("Signed-off-by: Ada Author <ada@example.org>")
    assert [t.key for t in patch.trailers] == ["Reviewed-by", "Signed-off-by"]
    assert patch.trailers[0].person is not None and patch.trailers[0].person.email == (
        "maz@kernel.org"
    )
    assert patch.diffstat is not None
    assert (patch.diffstat.insertions, patch.diffstat.deletions) == (2, 4)
    assert patch_text_fields(patch.body) == (patch.commit_message, patch.trailers, patch.diffstat)


def test_equal_and_same_hash_as_a_patch_that_holds_them() -> None:
    full = held(parsed())
    assert parsed() == full and full == parsed()
    assert hash(parsed()) == hash(full)
    assert parsed() in {full}


def test_json_and_dict_carry_them_in_field_order() -> None:
    lazy, full = parsed(), held(parsed())
    assert lazy.model_dump_json() == full.model_dump_json()
    dumped = json.loads(lazy.model_dump_json())
    assert list(dumped) == list(json.loads(full.model_dump_json()))
    assert dumped["commit_message"].startswith("The vgic ITS save path")
    assert dict(parsed())["trailers"] == full.trailers
    assert "Walk once" in str(parsed()) and "commit_message=" in str(parsed())
    assert Patch.model_validate_json(parsed().model_dump_json()) == full


def test_nested_in_a_series() -> None:
    series = Series(version=2, total=7, patches=(parsed(),))
    dumped = series.model_dump()["patches"][0]
    assert dumped["diffstat"]["deletions"] == 4
    assert [t["key"] for t in dumped["trailers"]] == ["Reviewed-by", "Signed-off-by"]
    assert Series.model_validate_json(series.model_dump_json()) == series


def test_the_serialisation_schema_lists_them() -> None:
    properties = Patch.model_json_schema(mode="serialization")["properties"]
    assert set(TEXT_FIELDS) <= set(properties)
    assert properties["trailers"]["type"] == "array"


def test_pickles_and_copies_stay_lazy_and_read_the_same() -> None:
    full = held(parsed())
    unpickled = pickle.loads(pickle.dumps(parsed()))
    assert "commit_message" not in vars(unpickled)  # the pickle carried no text fields
    assert unpickled == full
    assert copy.copy(parsed()) == full and copy.deepcopy(parsed()) == full


@pytest.mark.parametrize("raw", [b"", b"From: x@y.z\n\nnot the patch\n"])
def test_a_copy_with_other_raw_bytes_keeps_the_values(raw: bytes) -> None:
    """cli/holding.py drops a patch's bytes once parsed: the fields must survive that."""
    slim = parsed().model_copy(update={"raw": raw})
    assert slim.raw == raw
    assert slim.commit_message.startswith("The vgic ITS save path")
    assert slim.diffstat is not None and slim.diffstat.files[0].path.endswith("vgic-its.c")
    assert len(slim.trailers) == 2


def test_a_patch_built_by_hand_is_not_read_from_its_body() -> None:
    patch = Patch(message_id="m@x", raw=mail(body=BODY), commit_message="given", trailers=())
    assert (patch.commit_message, patch.trailers, patch.diffstat) == ("given", (), None)


def test_threads_reading_at_once_see_one_value() -> None:
    patch = parsed()
    with ThreadPoolExecutor(4) as pool:
        seen = list(pool.map(lambda _: (patch.commit_message, patch.diffstat), range(16)))
    assert all(value == seen[0] for value in seen)
    assert list(vars(patch))[: len(Patch.model_fields)] == list(Patch.model_fields)


def test_other_missing_attributes_still_raise() -> None:
    with pytest.raises(AttributeError):
        parsed().no_such_field  # noqa: B018
