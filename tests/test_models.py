"""Models: what they compute on first read stays true to their fields."""

from __future__ import annotations


def test_a_copy_with_new_values_does_not_keep_what_was_read_from_the_old_ones() -> None:
    """Body, recipients, subject title, diff and description are read once and kept; a
    model_copy that changes a field must read them again from the copy's own values."""
    from kvmlist import parse_message

    old = parse_message(
        b"From: Jane <jane@example.org>\nTo: kvm@vger.kernel.org\nSubject: [PATCH] old\n"
        b"Message-ID: <1@x>\n\nOld text.\n---\n x | 2 +-\n\n"
        b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
    )
    read = (old.body, old.subject_title, old.recipients, old.diff, old.description)
    new_raw = b"From: Jane <jane@example.org>\nSubject: [PATCH] new\nMessage-ID: <1@x>\n\nNew.\n"
    fresh = parse_message(new_raw)
    copy = old.model_copy(update={"raw": new_raw, "subject": fresh.subject})
    assert (copy.body, copy.subject_title, copy.recipients, copy.diff, copy.description) == (
        fresh.body,
        fresh.subject_title,
        fresh.recipients,
        fresh.diff,
        fresh.description,
    )
    assert old.diff and len(old.recipients) == 1 and copy.body != read[0]
    assert (old.body, old.subject_title, old.recipients, old.diff, old.description) == read
    assert old.model_copy().body is old.body  # a copy without changes shares what was read


def test_a_copy_with_a_new_raw_decodes_that_raw() -> None:
    """A parsed reply keeps how its body is decoded (the header block's length and fields):
    a copy with another raw must not decode the new bytes by the old mail's form."""
    from kvmlist import parse_message

    old = parse_message(
        b"From: Jane <jane@example.org>\nSubject: Re: x\nMessage-ID: <1@x>\n"
        b"In-Reply-To: <0@x>\nContent-Transfer-Encoding: base64\n\naGVsbG8K\n"
    )
    new_raw = b"From: Jane <jane@example.org>\nSubject: Re: x\nMessage-ID: <1@x>\n\nplain\n"
    copy = old.model_copy(update={"raw": new_raw})
    assert (old.body, copy.body) == ("hello\n", "plain\n")
