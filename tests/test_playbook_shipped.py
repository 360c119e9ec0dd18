"""The shipped playbooks against the domain audit (DOMAIN-AUDIT.md, issue 13 point 1).

Each audit finding that was fixed has a test here that fails if the old wording or
labelling comes back; the general tests check that every fact carries a traceable
source, a page date and a check date, and that the labels are what the audit asked for.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tui.playbooks import (
    CitedText,
    Deadline,
    Link,
    Phone,
    Playbook,
    Step,
    load_file,
    load_playbooks,
    trust_of,
)
from tui.playbooks.render import render_text

SHIPPED = Path(__file__).resolve().parents[1] / "playbooks"
FILES = sorted(SHIPPED.glob("*.yaml"))
TODAY = dt.date(2026, 11, 30)
COMPILED = "2026-11-24"
"""The day the research notes were written: never a page's own date."""


def own(path: Path) -> Playbook:
    playbook, problems, _ = load_file(path)
    assert [str(p) for p in problems] == []
    assert playbook is not None
    return playbook


@pytest.fixture(scope="module")
def shipped() -> dict[str, Playbook]:
    found, problems = load_playbooks([(SHIPPED, "shipped")])
    assert [str(p) for p in problems] == []
    return found


def texts(playbook: Playbook) -> list[str]:
    """Every piece of text people read, for wording checks."""
    out = [playbook.name, *playbook.before_you_call, *playbook.never,
           *playbook.cannot_help_with]
    for phone in playbook.phones:
        out += [phone.label, phone.number, phone.hours, phone.tty, *phone.menu]
    for step in playbook.steps:
        out += [step.title, step.say, *step.tips]
    out += [deadline.name for deadline in playbook.deadlines]
    out += [link.label for link in playbook.links]
    return out


def by_text(playbook: Playbook, words: str) -> list[object]:
    found: list[object] = []
    for _, fact in playbook.facts():
        text = {Phone: lambda f: f.number + " " + f.label, Deadline: lambda f: f.name,
                Step: lambda f: f.title, Link: lambda f: f.label}.get(type(fact), str)(fact)
        if words in text:
            found.append(fact)
    return found


# -------------------------------------------------------------------------------------
# Every fact is traceable (schema and presentation findings 1, 2, 5, 6)
# -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_source_is_a_page_with_its_own_date(path: Path) -> None:
    playbook = own(path)
    for source in playbook.sources:
        assert source.published != COMPILED, source.id
        if source.url:
            parts = urlsplit(source.url)
            assert parts.scheme in ("http", "https") and parts.netloc, source.url
            assert parts.path.strip("/") or parts.query, f"{source.id}: a site's home page"
        else:
            assert source.note, f"{source.id}: no page address and no note saying why"
        if not source.checked:
            assert "not checked" in source.note, source.id


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_source_is_cited_and_every_phone_deadline_link_rule_cites(path: Path) -> None:
    playbook = own(path)
    cited: set[str] = set()
    for what, fact in playbook.facts():
        cite = getattr(fact, "cite", None)
        if isinstance(fact, (Phone, Deadline, Link)) or what == "never":
            assert cite is not None, (what, fact)
        if cite is not None:
            cited.update(cite.ids)
    assert {source.id for source in playbook.sources} == cited


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_text_that_states_a_number_cites_its_source(path: Path) -> None:
    """A digit (a day count, an amount, a phone number) means a fact: it must cite."""
    playbook = own(path)
    missing = []
    for what, fact in playbook.facts():
        text = (f"{fact.title} {fact.say}" if isinstance(fact, Step)
                else str(fact) if isinstance(fact, CitedText) else "")
        if what in ("hours", "tty", "menu"):
            continue  # covered by the phone's own source unless they cite their own
        if re.search(r"\d", text) and fact.cite is None:
            missing.append((what, text))
    for item in [*playbook.before_you_call, *playbook.never]:
        if re.search(r"\d", item) and getattr(item, "cite", None) is None:
            missing.append(("text", item))
    assert missing == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_labels_on_the_audit_day(path: Path) -> None:
    playbook = own(path)
    for what, fact in playbook.facts():
        trust = trust_of(fact, TODAY)
        assert trust.kind != "unsourced", (what, fact)
        assert trust.kind != "due", (what, fact)
        if trust.kind == "unchecked":
            assert all("not checked" in source.note for source in trust.sources), fact
    # A year and more later, every checked fact asks for a re-check.
    later = TODAY + dt.timedelta(days=400)
    for _, fact in playbook.facts():
        trust = trust_of(fact, later)
        if trust.kind in ("ok", "secondary", "old"):
            raise AssertionError(f"{fact} still looks fresh in {later}")
    assert playbook.trust_summary(TODAY).startswith("Facts last checked 2026-11")


def test_no_source_has_two_statuses_for_one_page(shipped: dict[str, Playbook]) -> None:
    for playbook in shipped.values():
        pages: dict[tuple[str, str], str] = {}
        for source in playbook.sources:
            key = (source.url, source.published)
            if source.url:
                assert pages.setdefault(key, source.status) == source.status, source.id


def test_every_office_says_what_it_cannot_take(shipped: dict[str, Playbook]) -> None:
    for playbook_id in ("ma-health-connector", "ma-division-of-insurance",
                        "ma-office-of-patient-protection", "medical-billing-dispute",
                        "utility-billing-dispute", "ma-governor-constituent-services"):
        assert shipped[playbook_id].cannot_help_with, playbook_id


def test_recording_warning_in_every_playbook(shipped: dict[str, Playbook]) -> None:
    """R10: Massachusetts' all-party consent applies to every call."""
    for playbook in shipped.values():
        assert any("bans secret recording" in tip for step in playbook.steps
                   for tip in step.tips), playbook.id


def test_complaint_form_links(shipped: dict[str, Playbook]) -> None:
    links = {pid: {link.url for link in pb.links} for pid, pb in shipped.items()}
    assert "https://www.mass.gov/how-to/filing-an-insurance-complaint" in (
        links["ma-division-of-insurance"])
    assert any("office-of-patient-protection" in url
               for url in links["ma-office-of-patient-protection"])
    assert "https://betterhealthconnector.com/appeal-form" in links["ma-health-connector"]
    assert "https://consumercomplaints.fcc.gov" in links["utility-billing-dispute"]
    assert any("/ago/" in url for url in links["medical-billing-dispute"])


# -------------------------------------------------------------------------------------
# The three wrong facts
# -------------------------------------------------------------------------------------


def test_c13_payments_must_be_received_by_the_23rd(shipped: dict[str, Playbook]) -> None:
    connector = shipped["ma-health-connector"]
    joined = "\n".join(texts(connector))
    assert "made by the 23rd" not in joined
    (proof,) = [item for item in connector.before_you_call if "23rd" in item]
    assert "received" in proof and "2-4 business days" in proof
    assert trust_of(proof, TODAY).label == "last checked 2026-11"


def test_d9_the_doi_call_does_not_file_the_complaint(shipped: dict[str, Playbook]) -> None:
    doi = shipped["ma-division-of-insurance"]
    first = doi.steps[0]
    assert "complaint form" in first.say
    assert any("does not file the complaint" in tip for tip in first.tips)
    assert not any("complaint number" in step.say for step in doi.steps[:-1])
    assert "sent my complaint form" in doi.steps[-1].say
    assert any(rule.startswith("Believe the call filed your complaint") for rule in doi.never)
    assert not any("without a complaint number" in rule for rule in doi.never)


def test_m11_provider_bills_go_to_the_ag_not_the_cfpb(shipped: dict[str, Playbook]) -> None:
    billing = shipped["medical-billing-dispute"]
    assert "Attorney General" in billing.phones[0].label
    cfpb = [phone for phone in billing.phones if phone.number == "855-411-2372"]
    assert "not provider billing offices" in cfpb[0].label
    closing = billing.steps[-1].tips
    assert not any("complain to the CFPB" in tip and "provider" not in tip
                   and "collector" not in tip for tip in closing)
    assert any("provider's bill" in tip and "1-888-830-6277" in tip for tip in closing)


# -------------------------------------------------------------------------------------
# The mislabelled and unsourced
# -------------------------------------------------------------------------------------


def test_c3_c4_tty_711_is_current_and_the_old_tty_is_stale(
        shipped: dict[str, Playbook]) -> None:
    connector = shipped["ma-health-connector"]
    main = connector.phones[0]
    assert main.tty == "711"
    assert trust_of(main.tty, TODAY).kind == "ok"
    (old,) = [phone for phone in connector.phones if phone.number == "1-877-623-7773"]
    trust = trust_of(old, TODAY)
    assert (trust.kind, trust.label) == ("stale", "may be out of date (2020 page)")
    assert "conflict" not in old.label


def test_c12_notice_fields_and_m5_financial_assistance_are_sourced(
        shipped: dict[str, Playbook]) -> None:
    (notice,) = [item for item in shipped["ma-health-connector"].before_you_call
                 if "Notice ID" in item]
    assert trust_of(notice, TODAY).sources[0].id == "notice-template"
    tips = [tip for step in shipped["medical-billing-dispute"].steps for tip in step.tips
            if "financial assistance policy" in tip]
    assert [trust_of(tip, TODAY).sources[0].id for tip in tips] == ["irc-501r"]


@pytest.mark.parametrize("playbook_id", ["health-insurer", "ma-office-of-patient-protection"])
def test_h4_o2_external_review_is_four_months_not_a_conflict(
        playbook_id: str, shipped: dict[str, Playbook]) -> None:
    playbook = shipped[playbook_id]
    (deadline,) = [d for d in playbook.deadlines if d.name.startswith("External review")]
    assert "4 months" in deadline.name and deadline.days == 60
    trust = trust_of(deadline, TODAY)
    assert trust.kind == "ok"
    assert any(re.search(r"958 CMR 3\.[0-9()., and]*400", source.title)
               for source in trust.sources)
    assert not any(source.published.startswith("2013") for source in playbook.sources)


def test_g7_state_legislators_are_unverified(shipped: dict[str, Playbook]) -> None:
    for playbook_id in ("ma-governor-constituent-services", "ma-health-connector"):
        tips = by_text(shipped[playbook_id], "state representative or senator")
        assert tips
        for tip in tips:
            trust = trust_of(tip, TODAY)
            assert trust.kind == "unverified" and not trust.sources


def test_m1_m2_u11_secondary_copies_are_labelled_secondary(
        shipped: dict[str, Playbook]) -> None:
    billing = shipped["medical-billing-dispute"]
    (nsa,) = [p for p in billing.phones if p.number == "1-800-985-3059"]
    assert trust_of(nsa, TODAY).kind == "secondary"
    (cfpb,) = [p for p in billing.phones if p.number == "855-411-2372"]
    cfpb_trust = trust_of(cfpb, TODAY)
    assert cfpb_trust.kind == "secondary"
    assert all("consumerfinance.gov" not in s.url for s in cfpb_trust.sources)
    utility = shipped["utility-billing-dispute"]
    (fcba,) = [d for d in utility.deadlines if "Fair Credit Billing" in d.name]
    sources = {s.id: s.status for s in trust_of(fcba, TODAY).sources}
    assert sources == {"fcba-1666": "ok", "citi-fcba": "secondary"}


# -------------------------------------------------------------------------------------
# Risky advice, reworded with its qualifiers
# -------------------------------------------------------------------------------------


def test_r1_the_difference_is_qualified(shipped: dict[str, Playbook]) -> None:
    connector = shipped["ma-health-connector"]
    (rule,) = [r for r in connector.never if r.startswith("Pay 'the difference'")]
    assert "itemized written explanation" in rule and "under written protest" in rule
    assert trust_of(rule, TODAY).kind == "advice"
    assert not any("I won't pay a difference" in step.say for step in connector.steps)


def test_r2_keep_paying_new_premiums(shipped: dict[str, Playbook]) -> None:
    connector = shipped["ma-health-connector"]
    assert any(rule.startswith("Stop paying new premiums during the dispute")
               for rule in connector.never)
    assert any("Keep paying every new premium" in tip for step in connector.steps
               for tip in step.tips)


def test_r3_retro_request_is_qualified(shipped: dict[str, Playbook]) -> None:
    connector = shipped["ma-health-connector"]
    (rule,) = [r for r in connector.never if r.startswith("Agree to a 'retro request'")]
    assert "instead of a billing-error correction" in rule and "in writing" in rule
    assert trust_of(rule, TODAY).label == "advice, not an official rule"
    assert not any(step.title == "Refuse a retro request" for step in connector.steps)


def test_r5_the_35_day_window_needs_action(shipped: dict[str, Playbook]) -> None:
    connector = shipped["ma-health-connector"]
    (deadline,) = [d for d in connector.deadlines if d.name.startswith("Reinstatement")]
    assert deadline.days == 35
    assert trust_of(deadline, TODAY).kind == "stale"
    assert by_text(connector, "the 35-day window needs action")


def test_r6_no_bank_details_on_the_unverified_line(shipped: dict[str, Playbook]) -> None:
    connector = shipped["ma-health-connector"]
    assert connector.phones[0].number == "1-877-623-6765"
    assert connector.phones[-1].number == "844-558-3454"
    assert any("844-558-3454" in rule and "bank details" in rule for rule in connector.never)


def test_r7_deemed_resolved_mentions_extensions(shipped: dict[str, Playbook]) -> None:
    insurer = shipped["health-insurer"]
    (tip,) = by_text(insurer, "treated as resolved in your favor")
    assert "extension" in str(tip) and "in writing" in str(tip)
    (resolve,) = [d for d in insurer.deadlines if "resolve your grievance" in d.name]
    assert trust_of(resolve, TODAY).label == "sources disagree: 30 days or 30 business days"


def test_r9_governor_call_then_write(shipped: dict[str, Playbook]) -> None:
    governor = shipped["ma-governor-constituent-services"]
    assert any(step.title == "Follow up in writing" for step in governor.steps)
    assert trust_of(governor.steps[0], TODAY).kind == "advice"


# -------------------------------------------------------------------------------------
# Missing content, now present and sourced
# -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("playbook_id", "words", "kind"), [
    ("ma-health-connector", "Send your dispute in writing", "advice"),
    ("ma-health-connector", "keep your coverage going during the appeal", "ok"),
    ("ma-health-connector", "Premium Waiver or Reduction", "ok"),
    ("ma-health-connector", "3-month grace period", "ok"),
    ("ma-health-connector", "may hold (pend) claims in months 2 and 3", "ok"),
    ("ma-health-connector", "Health Law Advocates", "stale"),
    ("ma-health-connector", "Confirming our call of", "advice"),
    ("ma-division-of-insurance", "EBSA", "stale"),
    ("ma-division-of-insurance", "Connector or MassHealth themselves", "advice"),
    ("ma-office-of-patient-protection", "within 45 days", "ok"),
    ("ma-office-of-patient-protection", "fully insured Massachusetts plans", "ok"),
    ("medical-billing-dispute", "bans balance bills for emergency care", "unchecked"),
    ("medical-billing-dispute", "Health Safety Net", "unverified"),
    ("medical-billing-dispute", "confirmed in writing", "advice"),
    ("medical-billing-dispute", "medical debt under $500", "unverified"),
    ("medical-billing-dispute", "2026-01-22", "ok"),
    ("medical-billing-dispute", "time limits", "advice"),
    ("utility-billing-dispute", "may not charge a late fee or cut service", "ok"),
    ("utility-billing-dispute", "two billing cycles", "ok"),
])
def test_missing_content_is_there_with_its_label(playbook_id: str, words: str, kind: str,
                                                 shipped: dict[str, Playbook]) -> None:
    facts = by_text(shipped[playbook_id], words)
    assert facts, words
    assert trust_of(facts[0], TODAY).kind == kind, (words, trust_of(facts[0], TODAY))


def test_connector_appeal_deadline_keeps_its_real_conflict(shipped: dict[str, Playbook]) -> None:
    connector = shipped["ma-health-connector"]
    (appeal,) = [d for d in connector.deadlines if d.name.startswith("Appeal deadline")]
    assert appeal.days == 30
    assert trust_of(appeal, TODAY).label == "sources disagree: 30, 35 or 60 days"
    shown = render_text(connector, today=TODAY)
    assert "[⚠ sources disagree: 30, 35 or 60 days · member-guide-appeal" in shown
