"""Robots by sender and CI verdicts by template: no answer, no reviewer, no person."""

from __future__ import annotations

import io
from email.header import Header

import pytest

import kvmlist
from kvmlist.analysis.counted import is_robot
from kvmlist.analysis.review_stats import review_summary
from kvmlist.models import Person
from kvmlist.parse.addresses import parse_address

from .conftest import mail, mbox

# CI systems that answer kernel-style lists, each as it signs its mails
CI_SENDERS = [
    "Patchwork <patchwork@emeril.freedesktop.org>",  # intel-gfx, intel-xe, igt-dev
    "ci_notify@linaro.org",
    "Linaro CI <ci_notify@linaro.org>",
    "CKI Project <cki-project@redhat.com>",
    "Intel Wired LAN CI <iwl-ci@intel.com>",
    "linux-ci@example.org",
    "buildbot <buildbot@example.org>",
    "Jenkins <jenkins@ci.example.org>",
    "Jenkins CI <jenkins@ci.example.org>",
    "KernelCI <kernelci@example.org>",
    "Linux Kernel Functional Testing <lkft@linaro.org>",
    "Intel Lab <intel-lab-lkp@intel.com>",
    "bot+bpf-ci@kernel.org",
]
# people whose name or address holds one of those words
PEOPLE = [
    "Edward A. Jenkins <jenkinsedwarda@gmail.com>",  # kasan-dev
    "Rob Jenkins <rob.jenkins@example.org>",
    "Rob Jenkins <rob_jenkins@example.org>",
    "Jenkins Smith <jenkins@smith.example>",
    "Ci Zhang <zhang_ci@example.cn>",
    "Xiaoming Ci <ci.xiaoming@example.cn>",
    "Ci Li <ci@li.example>",
    "Francesca Ciani <francesca.ciani@fiscozen.it>",
    "Hans Verkuil <hverkuil+cisco@kernel.org>",  # kvmarm
    "Maciej Fijalkowski <maciej.fijalkowski@intel.com>",
]


def _person(text: str) -> Person:
    person = parse_address(text)
    assert person is not None
    return person


@pytest.mark.parametrize("sender", CI_SENDERS)
def test_a_ci_systems_address_is_a_robots(sender: str) -> None:
    assert is_robot(_person(sender))


@pytest.mark.parametrize("sender", PEOPLE)
def test_a_person_whose_name_or_address_holds_a_ci_word_is_no_robot(sender: str) -> None:
    assert not is_robot(_person(sender))


PATCHWORK = "Patchwork <patchwork@emeril.freedesktop.org>"
SERIES = "series starting with [v2,1/2] drm/i915/display: Fix the thing"
VERDICT = f"""== Series Details ==

Series: {SERIES}
URL   : https://patchwork.freedesktop.org/series/145000/
State : success

== Summary ==

CI Bug Log - changes from CI_DRM_16200 -> Patchwork_145000v2
====================================================

Summary
-------

  **SUCCESS**

  No regressions found.
"""
THREADED = "In-Reply-To: <p1@x>\nReferences: <p1@x>\n"


def _verdict(sender: str = PATCHWORK, mark: str = "\u2713", *, extra: str = THREADED) -> bytes:
    subject = Header(f"{mark} Fi.CI.BAT: success for {SERIES}", "utf-8").encode()
    return mail(subject, VERDICT, sender=sender, message_id="<ci1@emeril>", extra=extra,
                date="Mon, 3 Mar 2025 09:20:00 +0000")  # fmt: skip


@pytest.mark.parametrize("mark", ["\u2713", "\u2717"])
def test_a_ci_verdict_under_a_series_is_a_robot_report(mark: str) -> None:
    assert kvmlist.parse_message(_verdict(mark=mark)).kind == "robot"
    assert kvmlist.parse_message(_verdict(mark=mark, extra="")).kind == "robot"


def test_a_ci_verdict_from_a_person_is_read_as_their_mail() -> None:
    # only the CI's own address sends its template; a person's copy is an ordinary mail
    ville = "Ville Syrjala <ville.syrjala@linux.intel.com>"
    assert kvmlist.parse_message(_verdict(ville)).kind == "reply"
    quoted = mail(f"Re: {SERIES}", "> == Series Details ==\n\nThis failure is not mine.\n",
                  sender=ville, extra="In-Reply-To: <ci1@emeril>\n")  # fmt: skip
    assert kvmlist.parse_message(quoted).kind == "reply"


def test_a_series_only_ci_answered_has_no_first_reply_and_no_reviewer_row() -> None:
    author = "Ville Syrjala <ville.syrjala@linux.intel.com>"
    body = "Fix it.\n\nSigned-off-by: Ville Syrjala <ville.syrjala@linux.intel.com>\n"
    patch = mail("[PATCH v2 1/2] drm/i915/display: Fix the thing", body, sender=author,
                 message_id="<p1@x>", date="Mon, 3 Mar 2025 09:00:00 +0000")  # fmt: skip
    summary = review_summary(kvmlist.read_mbox(io.BytesIO(mbox(patch, _verdict()))))
    assert [t.first_reply for t in summary.timings] == [None]
    assert summary.reviewers == []


ROB = '"Rob Herring (Arm)" <robh@kernel.org>'
JANE_WROTE = "On Mon, 03 Mar 2025 09:00:00 +0000, Jane Doe wrote:\n> Add the foo ADC binding.\n> \n"
DT_CHECK = """My bot found errors running 'make dt_binding_check' on your patch:

yamllint warnings/errors:

dtschema/dtc warnings/errors:
Documentation/devicetree/bindings/iio/adc/vendor,foo-adc.yaml: properties:compatible:
	'enum' should not be valid under {'type': 'array'}

Please check and re-submit after running the above command yourself.
"""
DTBS_CHECK = """

My bot found new DTB warnings on the .dts files added or changed in this
series.

Some warnings may be from an existing SoC .dtsi. Or perhaps the warnings
are fixed by another series.
"""
GREG_BOT = """Hi,

This is the friendly patch-bot of Greg Kroah-Hartman.  You have sent him
a patch that has triggered this response.  He used to manually respond
to these common problems, but in order to save his sanity (he kept
writing the same thing over and over, yet to different people), I was
created.

thanks,

greg k-h's patch email bot
"""
GREG = "Greg Kroah-Hartman <gregkh@linuxfoundation.org>"
UNDER_P1 = "In-Reply-To: <p1@x>\nReferences: <p1@x>\n"


@pytest.mark.parametrize(("sender", "text"), [(ROB, DT_CHECK), (ROB, DTBS_CHECK), (GREG, GREG_BOT)])
def test_a_bots_template_sent_from_its_owners_address_is_a_robot_report(
    sender: str, text: str
) -> None:
    # the bots answer from their owners' own addresses, under the quoted patch
    reply = mail("Re: [PATCH v3 1/2] dt-bindings: iio: adc: add vendor,foo-adc",
                 JANE_WROTE + "\n" + text, sender=sender, extra=UNDER_P1)  # fmt: skip
    assert kvmlist.parse_message(reply).kind == "robot"


def test_a_person_quoting_a_bots_template_sends_a_reply() -> None:
    rob_wrote = "On Mon, 03 Mar 2025 11:00:00 -0600, Rob Herring (Arm) wrote:\n"
    quoted = "".join(f"> {line}\n" for line in DT_CHECK.splitlines()[:3])
    body = rob_wrote + quoted + "\nFixed in v4, thanks.\n"
    reply = mail("Re: [PATCH v3 1/2] dt-bindings: iio: adc: add vendor,foo-adc", body,
                 extra=UNDER_P1)  # fmt: skip
    assert kvmlist.parse_message(reply).kind == "reply"


def test_a_series_only_a_bot_answered_has_no_first_reply_but_its_owners_review_counts() -> None:
    patch = mail("[PATCH v3 1/2] dt-bindings: iio: adc: add vendor,foo-adc",
                 message_id="<p1@x>", date="Mon, 3 Mar 2025 09:00:00 +0000")  # fmt: skip
    bot = mail("Re: [PATCH v3 1/2] dt-bindings: iio: adc: add vendor,foo-adc",
               JANE_WROTE + "\n" + DT_CHECK, sender=ROB, message_id="<bot@robh>",
               date="Mon, 3 Mar 2025 17:00:00 +0000", extra=UNDER_P1)  # fmt: skip
    alone = review_summary(kvmlist.read_mbox(io.BytesIO(mbox(patch, bot))))
    assert [t.first_reply for t in alone.timings] == [None]
    assert alone.reviewers == []
    human = mail("Re: [PATCH v3 1/2] dt-bindings: iio: adc: add vendor,foo-adc",
                 JANE_WROTE + "\nReviewed-by: Rob Herring (Arm) <robh@kernel.org>\n",
                 sender=ROB, message_id="<rev@robh>", date="Tue, 4 Mar 2025 09:00:00 +0000",
                 extra=UNDER_P1)  # fmt: skip
    both = review_summary(kvmlist.read_mbox(io.BytesIO(mbox(patch, bot, human))))
    assert [t.first_reply for t in both.timings] != [None]
    assert [(r.person.email, r.replies) for r in both.reviewers] == [("robh@kernel.org", 1)]
