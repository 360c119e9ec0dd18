"""Letters from the case: templates are data (sandboxed, every field checked when the
file loads, problems at file:line:column), every shipped letter fills from the demo
story with no missing field, user text goes in literally, letters are saved to the
case's documents, and the command line writes them as text, Markdown or PDF."""

from __future__ import annotations

import io
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from tui import demo
from tui.cli import main
from tui.domain.clock import FrozenClock
from tui.domain.model import Call, Case
from tui.export.letters import letter_fields
from tui.paths import shipped_playbooks_dir
from tui.playbooks import FIELDS, load_letters, load_playbooks, validate_paths
from tui.playbooks.letters import fields_list, missing_fields
from tui.playbooks.loader import load_letters_file
from tui.service import Service, ServiceError
from tui.store import Store

START = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
SHIPPED = shipped_playbooks_dir()
EXPECTED = {"confirm-call", "connector-billing-dispute", "doi-complaint", "governor-follow-up",
            "insurer-grievance", "debt-validation", "cable-billing-dispute"}


@pytest.fixture
def story(store: Store) -> tuple[Service, Case, list[Call]]:
    case = demo.build_story(store, START)
    playbooks, problems = load_playbooks([SHIPPED])
    assert not problems
    service = Service(store, playbooks, problems,
                      clock=FrozenClock(datetime(2026, 12, 1, 15, 0, tzinfo=UTC)))
    calls = sorted(store.iter_calls(case.id), key=lambda c: c.started_at)
    return service, case, calls


def _write(tmp_path: Path, body: str, *, name: str = "broken.yaml") -> Path:
    folder = tmp_path / "letters"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(body, "utf-8")
    return path


# -- every shipped letter fills from the story ------------------------------------------
def test_every_shipped_letter_is_there(story: tuple[Service, Case, list[Call]]) -> None:
    service, _case, _calls = story
    catalogue, clashes = service.letters.catalogue()
    assert not clashes
    assert EXPECTED <= set(catalogue)
    assert catalogue["confirm-call"].for_any
    assert catalogue["connector-billing-dispute"].playbook_id == "ma-health-connector"
    assert catalogue["doi-complaint"].playbook_id == "ma-division-of-insurance"
    assert catalogue["governor-follow-up"].playbook_id == "ma-governor-constituent-services"
    assert catalogue["debt-validation"].playbook_id == "medical-billing-dispute"
    assert catalogue["cable-billing-dispute"].playbook_id == "utility-billing-dispute"


def test_the_fields_filled_are_exactly_the_fields_named(
        story: tuple[Service, Case, list[Call]]) -> None:
    service, case, calls = story
    for call in (None, calls[0], calls[-1]):
        values = letter_fields(case, calls, service.profile(), service.today(), call=call)
        assert missing_fields(values) == []
        assert set(values) == set(FIELDS)
    assert ("case.payments[].confirmation", "text") in fields_list()


@pytest.mark.parametrize("letter_id", sorted(EXPECTED))
def test_every_shipped_letter_renders_for_the_story(
        story: tuple[Service, Case, list[Call]], letter_id: str) -> None:
    service, case, _calls = story
    draft = service.letters.draft(letter_id, case.id)
    text = draft.text
    assert "Ana Reyes" in text and "41 Elm Street" in text
    assert "December 1, 2026" in text
    assert "{{" not in text and "{%" not in text and "Undefined" not in text
    assert "None" not in text
    if letter_id in ("connector-billing-dispute", "doi-complaint", "governor-follow-up"):
        for confirmation in ("BP7731-5520", "ACH 55120943", "ACH 55309164"[:0] or
                             "ACH 55241877"):
            assert confirmation in text
        assert "SUP208" in text and "B3310" in text  # reps with their IDs
        assert "BR-2291847" in text  # a reference number
        assert "Billing review decision within 10 business days" in text  # broken promise
    if letter_id == "connector-billing-dispute":
        assert "The Connector's enrollment file changed it to 1 Aug" in text  # the conflict
        assert "Reinstatement window" in text or "reinstate" in text


def test_confirm_call_is_about_the_chosen_call(story: tuple[Service, Case, list[Call]]) -> None:
    service, case, calls = story
    number = next(n for n, c in enumerate(calls, start=1) if c.references
                  and c.references[0].number == "BR-2291847")
    text = service.letters.draft("confirm-call", case.id, number).text
    assert "Paul (ID HC4471)" in text and "Denise (ID SUP208)" in text
    assert "Reference number(s) given: BR-2291847." in text
    assert "Billing review decision within 10 business days" in text
    with pytest.raises(ServiceError, match="no call 99"):
        service.letters.draft("confirm-call", case.id, 99)


def test_a_playbook_letter_picks_the_latest_call_to_that_organisation(
        story: tuple[Service, Case, list[Call]]) -> None:
    service, case, _calls = story
    draft = service.letters.draft("governor-follow-up", case.id)
    assert draft.call is not None
    assert draft.call.playbook_id == "ma-governor-constituent-services"
    assert "Dear Maureen:" in draft.text and "CS-118305" in draft.text
    # The insurer's grievance goes to the insurer of the story (which extends the general one).
    grievance = service.letters.draft("insurer-grievance", case.id)
    assert grievance.text.count("Neighborhood Health Plan") >= 1
    assert grievance.recipient.startswith("Neighborhood Health Plan")


def test_a_letter_about_a_call_needs_one(store: Store) -> None:
    service = Service(store, load_playbooks([SHIPPED])[0])
    case = service.cases.open_or_create("No calls yet")
    with pytest.raises(ServiceError, match="about a call"):
        service.letters.draft("confirm-call", case.id)
    draft = service.letters.draft("connector-billing-dispute", case.id)
    assert "[your name]" in draft.text  # no profile yet: a placeholder to fill in


def test_relevant_letters_come_first(story: tuple[Service, Case, list[Call]]) -> None:
    service, case, _calls = story
    order = [t.id for t in service.letters.templates(case.id)]
    # The latest call of the story is to the insurer; the Governor's and the Connector's
    # letters follow; a letter for any organisation comes before the others.
    assert order[0] == "insurer-grievance"
    assert order.index("connector-billing-dispute") < order.index("confirm-call")
    assert order.index("confirm-call") < order.index("debt-validation")


# -- user text is data -----------------------------------------------------------------
def test_user_text_goes_in_literally(store: Store) -> None:
    playbooks, _ = load_playbooks([SHIPPED])
    service = Service(store, playbooks, clock=FrozenClock())
    case = service.cases.open_or_create("Hostile {{ case.title }} {% if true %}x{% endif %}")
    service.cases.add_identifier(case.id, {"key": "Member ID", "value": "{{ 7 * 7 }}"})
    service.cases.add_payment(case.id, {"date": "2026-10-01", "amount": "10",
                                        "confirmation": "{% for x in range(3) %}A{% endfor %}"})
    service.save_profile({"name": "Zoë “Z” O’Brien {{ me.name }}\x1b[31m"})
    text = service.letters.draft("doi-complaint", case.id).text
    assert "Hostile {{ case.title }} {% if true %}x{% endif %}" in text
    assert "Member ID: {{ 7 * 7 }}" in text and "49" not in text
    assert "confirmation {% for x in range(3) %}A{% endfor %}" in text
    assert "Zoë “Z” O’Brien {{ me.name }}\\x1b[31m" in text  # escape made visible
    assert "\x1b" not in text


# -- broken templates: file:line:column -------------------------------------------------
def test_an_unknown_field_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "schema_version: 2\n"
        "letters:\n"
        "  - id: bad\n"
        "    title: Bad\n"
        "    body: |\n"
        "      Hello {{ me.name }},\n"
        "      your total is {{ case.paid_totl }}.\n"
        "      {% for p in case.payments %}{{ p.confirmaton }}{% endfor %}\n"
        "      {{ caes.title }}\n"
    ))
    letters, problems = load_letters_file(path)
    assert letters == []
    shown = [str(p) for p in problems]
    assert shown[0].startswith(f"{path}:7:29: unknown field 'case.paid_totl'")
    assert "did you mean 'paid_total'" in shown[0]
    assert shown[1].startswith(f"{path}:8:40: unknown field 'p.confirmaton'")
    assert "did you mean 'confirmation'" in shown[1]
    assert shown[2].startswith(f"{path}:9:10: unknown field 'caes'")


def test_a_syntax_error_is_reported_at_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "schema_version: 2\n"
        "letters:\n"
        "  - id: bad\n"
        "    title: Bad\n"
        "    subject: \"Dispute {{ case.title \"\n"
        "    body: |\n"
        "      Line one\n"
        "      {% if case.payments %}\n"
        "      paid\n"
    ))
    _letters, problems = load_letters_file(path)
    shown = [str(p) for p in problems]
    assert any(s.startswith(f"{path}:5:23: template:") for s in shown), shown
    assert any(s.startswith(f"{path}:9:") and "endif" in s for s in shown), shown


def test_include_unknown_filters_and_lists_used_as_fields_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "schema_version: 2\n"
        "letters:\n"
        "  - id: bad\n"
        "    title: Bad\n"
        "    body: |\n"
        "      {% include 'secrets.txt' %}\n"
        "      {{ case.title | shout }}\n"
        "      {{ case.payments.amount }}\n"
    ))
    _letters, problems = load_letters_file(path)
    shown = "\n".join(str(p) for p in problems)
    assert f"{path}:6:7: a letter cannot include" in shown
    assert f"{path}:7:23: no filter named 'shout'" in shown
    assert f"{path}:8:" in shown and "is a list" in shown


def test_a_playbook_letter_problem_is_a_playbook_problem(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(
        "schema_version: 2\nid: acme\nname: Acme\nkind: billing\n"
        "letters:\n  - id: acme-letter\n    title: To Acme\n"
        "    body: \"Dear Acme, {{ org.nme }}\"\n", "utf-8")
    report = validate_paths([path], [])
    assert [str(p) for p in report.problems] == [
        f"{path}:8:30: unknown field 'org.nme' (did you mean 'name'?); org has: kind, name, "
        "phone, playbook"]
    version_1 = tmp_path / "old.yaml"
    version_1.write_text("id: old\nname: Old\nkind: other\nletters: []\n", "utf-8")
    report = validate_paths([version_1], [])
    assert "'letters' in the playbook needs schema_version: 2" in str(report.problems[0])


def test_the_shipped_playbooks_and_letters_validate() -> None:
    report = validate_paths([SHIPPED], [])
    assert report.problems == []
    assert any(path.parent.name == "letters" for path in report.checked)
    _letters, problems = load_letters([SHIPPED])
    assert problems == []


TWICE = (
    "schema_version: 2\n"
    "letters:\n"
    "  - id: twice\n"
    "    title: Twice\n"
    "    body: \"{% block a %}x{% endblock %}{% block a %}y{% endblock %}\"\n"
)
"""A letter whose fault only jinja2's compile step finds (the parse accepts it)."""


def test_a_users_letter_is_compiled_when_loaded(tmp_path: Path) -> None:
    _write(tmp_path, TWICE)
    letters, problems = load_letters([(tmp_path, "user")])
    assert letters == []
    assert "block 'a' defined twice" in str(problems[0])


def test_start_up_skips_checking_only_the_shipped_letters(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shipped folder's letters are checked by ``validate_paths`` in the test above,
    not at every start; one that still failed says so when used."""
    _write(tmp_path, TWICE)
    monkeypatch.setattr("tui.playbooks.loader.shipped_playbooks_dir", lambda: tmp_path)
    letters, problems = load_letters([tmp_path])
    assert problems == [] and [letter.id for letter in letters] == ["twice"]
    assert "defined twice" in str(validate_paths([tmp_path], []).problems[0])
    service = Service(store, {}, letters=letters)
    case = service.cases.open_or_create("A case")
    with pytest.raises(ServiceError, match="defined twice"):
        service.letters.draft("twice", case.id)


def test_the_sandbox_refuses_python_and_huge_output(tmp_path: Path, store: Store) -> None:
    path = _write(tmp_path, (
        "schema_version: 2\n"
        "letters:\n"
        "  - id: sneaky\n"
        "    title: Sneaky\n"
        "    body: \"{{ case.title.__class__.__mro__ }}\"\n"
        "  - id: huge\n"
        "    title: Huge\n"
        "    body: \"{{ case.title * 100000000 }}\"\n"
    ))
    letters, problems = load_letters_file(path)
    assert problems == []
    service = Service(store, {}, letters=letters)
    case = service.cases.open_or_create("A case")
    with pytest.raises(ServiceError, match="letter sneaky"):
        service.letters.draft("sneaky", case.id)
    with pytest.raises(ServiceError, match="refused"):
        service.letters.draft("huge", case.id)


def test_a_later_letters_folder_overrides_and_ids_must_not_clash(tmp_path: Path,
                                                                 store: Store) -> None:
    _write(tmp_path, "schema_version: 2\nletters:\n  - id: confirm-call\n    title: Mine\n"
                     "    body: My own confirmation for {{ case.title }}\n", name="mine.yaml")
    letters, problems = load_letters([SHIPPED, (tmp_path, "user")])
    assert problems == []
    mine = next(letter for letter in letters if letter.id == "confirm-call")
    assert mine.title == "Mine" and mine.origin == "user"
    clash = tmp_path / "pb"
    clash.mkdir()
    (clash / "acme.yaml").write_text(
        "schema_version: 2\nid: acme\nname: Acme\nkind: billing\n"
        "letters:\n  - id: confirm-call\n    title: Clash\n    body: x\n", "utf-8")
    playbooks, _ = load_playbooks([clash])
    service = Service(store, playbooks, letters=letters)
    catalogue, clashes = service.letters.catalogue()
    assert catalogue["confirm-call"].title == "Mine"
    assert "letter id 'confirm-call' is already used in mine.yaml" in str(clashes[0])


# -- saving to the case ------------------------------------------------------------------
def test_saving_a_letter_keeps_it_in_the_case_documents(
        story: tuple[Service, Case, list[Call]], tmp_path: Path) -> None:
    service, case, _calls = story
    draft = service.letters.draft("governor-follow-up", case.id)
    edited = draft.text.replace("[or the email address your caseworker gave you]", "")
    target = tmp_path / "follow-up"
    document = service.letters.save(case.id, "governor-follow-up", edited, {
        "date": "2026-12-02", "how": "email", "to": draft.recipient,
        "path": str(target) + ".pdf"}, call_id=draft.call.id if draft.call else "")
    saved = service.cases.get(case.id).documents[-1]
    assert saved == document
    assert saved.text == edited and saved.date == "2026-12-02" and saved.how == "email"
    assert saved.letter == "governor-follow-up" and saved.call_id == draft.call.id  # type: ignore[union-attr]
    assert saved.what == "Written follow-up to the Governor's office"
    assert saved.written_at == "2026-12-01T15:00:00+00:00"
    assert saved.file == str(target) + ".pdf"
    assert stat.S_IMODE(os.stat(saved.file).st_mode) == 0o600
    assert "CS-118305" in PdfReader(saved.file).pages[0].extract_text()
    # Saving again with its id replaces it rather than adding another.
    service.letters.save(case.id, "governor-follow-up", edited + "\nP.S.",
                         {"date": "2026-12-02", "how": "email"}, document_id=document.id)
    documents = service.cases.get(case.id).documents
    assert [d.id for d in documents].count(document.id) == 1
    assert documents[-1].text.endswith("P.S.")
    with pytest.raises(ServiceError, match="Date sent"):
        service.letters.save(case.id, "governor-follow-up", edited, {"date": "someday",
                                                                     "how": "email"})


def test_markdown_letter_shows_the_text_exactly(story: tuple[Service, Case, list[Call]],
                                                tmp_path: Path) -> None:
    service, _case, _calls = story
    path = service.letters.write("Re: *not* bold [1]\n# not a heading\n\n- item",
                                 tmp_path / "l.md")
    text = path.read_text("utf-8")
    assert "\\*not\\* bold \\[1\\]" in text and "\\# not a heading" in text
    assert "\\- item" in text


# -- the command line -------------------------------------------------------------------
def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(data_dir: Path) -> Path:
    store = Store.open(data_dir)
    demo.build_story(store, START)
    store.flush()
    store.close()
    return data_dir


def test_cli_lists_letters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _cli(capsys, "letters", "list")
    assert code == 0
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines()}
    assert rows["confirm-call"] == "any"
    assert rows["connector-billing-dispute"] == "ma-health-connector"
    assert EXPECTED <= set(rows)


def test_cli_writes_a_letter(seeded: Path, capsys: pytest.CaptureFixture[str],
                             tmp_path: Path) -> None:
    title = demo.STORY_TITLE
    code, out, err = _cli(capsys, "--data-dir", str(seeded), "letter", "confirm-call",
                          "--case", title, "--call", "4")
    assert code == 0, err
    assert "Paul (ID HC4471)" in out and "BR-2291847" in out
    assert "to fill in before sending" in err
    code, out, err = _cli(capsys, "--data-dir", str(seeded), "letter",
                          "connector-billing-dispute", "--case", title, "--format", "md")
    assert code == 0 and "\\[mailing address" in out
    target = tmp_path / "dispute.pdf"
    code, out, err = _cli(capsys, "--data-dir", str(seeded), "letter",
                          "connector-billing-dispute", "--case", title, "--format", "pdf",
                          "-o", str(target))
    assert code == 0, err
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Ana Reyes" in text and "BP7731-5520" in text and "ACH 55120943" in text
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


@pytest.mark.parametrize(("args", "message"), [
    (("letter", "nope", "--case", "Coverage"), "no letter with id 'nope'"),
    (("letter", "confirm-call", "--case", "No such case"), "no case called 'No such case'"),
    (("letter", "confirm-call", "--case", "Coverage restricted despite on-time payments",
      "--call", "40"), "no call 40"),
    (("letter", "confirm-call", "--case", "Coverage restricted despite on-time payments",
      "-o", "/no/such/folder/x.txt"), "does not exist"),
])
def test_cli_bad_letter_requests_are_one_line(seeded: Path, capsys: pytest.CaptureFixture[str],
                                              args: tuple[str, ...], message: str) -> None:
    code, out, err = _cli(capsys, "--data-dir", str(seeded), *args)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_cli_bad_arguments_exit_2_without_a_traceback(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["letter", "confirm-call", "--case", "x", "--format", "docx"])
    assert exit_.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


# -- the dossier as PDF -----------------------------------------------------------------
def test_the_dossier_pdf_holds_the_caller_every_confirmation_and_rep_id(
        seeded: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "dossier.pdf"
    code, _out, err = _cli(capsys, "--data-dir", str(seeded), "export", "--format", "pdf",
                           "-o", str(target))
    assert code == 0, err
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    reader = PdfReader(target)
    assert len(reader.pages) > 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    store = Store.open(seeded, read_only=True)
    (case,) = store.list_cases()
    calls = list(store.iter_calls(case.id))
    assert "Ana Reyes" in flat
    for payment in case.payments:
        assert payment.confirmation in flat, payment.confirmation
    rep_ids = {rep.rep_id for call in calls for rep in call.reps if rep.rep_id}
    assert rep_ids and all(rep_id in flat for rep_id in rep_ids), rep_ids
    assert "Page 1 of" in flat and f"Page {len(reader.pages)} of {len(reader.pages)}" in flat
    assert "Dossier: Coverage restricted despite on-time payments" in flat  # page header
    assert "…0937" in flat and "“" in flat  # Unicode survives
    store.close()


def test_pdf_prints_unicode_and_is_not_for_the_terminal(store: Store, tmp_path: Path) -> None:
    service = Service(store, {}, clock=FrozenClock())
    case = service.cases.open_or_create("Café “quotes” ✓ €12")
    service.cases.add_payment(case.id, {"date": "2026-10-01", "amount": "12",
                                        "confirmation": "ÜML-✓-€"})
    service.save_profile({"name": "José Müller"})
    path = tmp_path / "d.pdf"
    service.exports.write("pdf", path)
    text = " ".join(PdfReader(path).pages[0].extract_text().split())
    for expected in ("Café “quotes” ✓ €12", "ÜML-✓-€", "José Müller"):
        assert expected in text
    with pytest.raises(ServiceError, match="not text"):
        service.exports.render("pdf")
    assert PdfReader(io.BytesIO(service.exports.render_bytes("pdf")[0])).pages


def test_a_masked_export_masks_the_letters_text(story: tuple[Service, Case, list[Call]]) -> None:
    service, case, _calls = story
    draft = service.letters.draft("connector-billing-dispute", case.id)
    service.letters.save(case.id, "connector-billing-dispute", draft.text,
                         {"date": "2026-12-02", "how": "fax", "path": ""})
    masked, _cases, _calls = service.exports.render("json", mask=True)
    assert "100482736615" not in masked and "BP7731-5520" not in masked
    assert "••••••••6615" in masked
    full, _cases, _calls = service.exports.render("json")
    assert "BP7731-5520" in full
