"""The people import: every row is checked first, and then it is all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.utils import translation

from zichtbaar.orgs.importing import MAX_ROWS, import_people, parse_people
from zichtbaar.orgs.models import Membership, Organisation, Profile, Team, User

GOOD = (
    "email,name,team,role,language,connections,followers,job_title\n"
    'ann@acme.test,Ann Jansen,Engineering,employee,nl,"1,200",35,Developer\n'
    'ben@acme.test,Ben Smit,Marketing,comms,English,350,"1.500",Marketer\n'
    "cas@acme.test,Cas Bakker,Engineering,Admin,,1 200,,\n"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def counts():
    return User.objects.count(), Membership.objects.count(), Profile.objects.count()


def membership(org, email):
    return Membership.objects.select_related("user__profile", "team").get(
        org=org, user__email=email
    )


def test_a_good_file_imports_everyone(acme):
    report = import_people(acme, GOOD.encode())

    assert report.ok, report.errors
    assert (report.created, report.updated, report.total) == (3, 0, 3)
    ann = membership(acme, "ann@acme.test")
    assert ann.user.name == "Ann Jansen"
    assert ann.team.name == "Engineering"
    assert ann.role == "employee"
    assert ann.user.profile.language == "nl"
    assert ann.user.profile.connections == 1200
    assert ann.user.profile.followers == 35
    assert ann.user.profile.job_title == "Developer"
    ben = membership(acme, "ben@acme.test")
    assert (ben.role, ben.team.name, ben.user.profile.language) == ("comms", "Marketing", "en")
    assert ben.user.profile.followers == 1500
    cas = membership(acme, "cas@acme.test")
    assert cas.role == "admin"
    assert cas.user.profile.language == acme.default_language  # empty → organisation default
    assert cas.user.profile.connections == 1200
    assert cas.user.profile.followers == 0
    assert set(Team.objects.filter(org=acme).values_list("name", flat=True)) == {
        "Engineering",
        "Marketing",
    }


def test_dutch_headers_semicolons_and_a_bom(acme):
    text = (
        " E-mailadres ;Naam;Team;Rol;Taal;Connecties;Volgers;Functie\r\n"
        "Dirk@Acme.test;Dirk de Boer;Sales;Communicatie;Nederlands;1.200;12;Verkoper\r\n"
        "eva@acme.test;Eva;Sales;beheerder;Engels;7;0;\r\n"
        "fer@acme.test;Fer;;medewerker;dutch;;;\r\n"
    )
    report = import_people(acme, "\ufeff".encode() + text.encode("utf-8"))

    assert report.ok, report.errors
    assert report.created == 3
    dirk = membership(acme, "dirk@acme.test")
    assert (dirk.role, dirk.team.name, dirk.user.profile.language) == ("comms", "Sales", "nl")
    assert dirk.user.profile.connections == 1200
    assert dirk.user.profile.job_title == "Verkoper"
    assert membership(acme, "eva@acme.test").role == "admin"
    assert membership(acme, "eva@acme.test").user.profile.language == "en"
    fer = membership(acme, "fer@acme.test")
    assert (fer.role, fer.team) == ("employee", None)


def test_tabs_and_cp1252(acme):
    text = "email\tname\tteam\nzoe@acme.test\tZoë Müller\tR&D\n"
    report = import_people(acme, text.encode("cp1252"))

    assert report.ok, report.errors
    assert membership(acme, "zoe@acme.test").user.name == "Zoë Müller"


def test_unknown_columns_are_ignored_with_a_warning(acme):
    report = import_people(acme, b"email,shoe size,name\nann@acme.test,44,Ann\n")

    assert report.ok
    assert report.created == 1
    assert len(report.warnings) == 1
    assert "shoe size" in report.warnings[0]


def test_one_bad_row_imports_nothing_and_names_every_bad_row(acme, bob):
    before = counts()
    text = (
        "email,name,team,role,language,connections,followers\n"
        "ann@acme.test,Ann,Engineering,employee,nl,10,10\n"  # 2: fine
        "not-an-address,Ben,Engineering,employee,nl,10,10\n"  # 3: bad e-mail
        "cas@acme.test,Cas,Engineering,boss,nl,10,10\n"  # 4: bad role
        "dirk@acme.test,Dirk,Engineering,employee,fr,10,10\n"  # 5: bad language
        "eva@acme.test,Eva,Engineering,employee,nl,-5,10\n"  # 6: negative
        "fer@acme.test,Fer,Engineering,employee,nl,10,lots\n"  # 7: not a number
        ",Gijs,Engineering,employee,nl,10,10\n"  # 8: no e-mail
        "bob@acme.test,Bob,Sales,admin,en,999,999\n"  # 9: fine (an update)
    )
    report = import_people(acme, text.encode())

    assert not report.ok
    assert (report.created, report.updated) == (0, 0)
    assert counts() == before
    assert not User.objects.filter(email="ann@acme.test").exists()
    bob_now = membership(acme, "bob@acme.test")
    assert (bob_now.role, bob_now.team.name, bob_now.user.profile.connections) == (
        "employee",
        "Engineering",
        400,
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "email"),
        (4, "role"),
        (5, "language"),
        (6, "connections"),
        (7, "followers"),
        (8, "email"),
    ]
    for error in report.errors:
        assert f"Row {error.row}" in error.message
    assert "“not-an-address” is not a valid e-mail address" in report.errors[0].message
    assert "cannot be negative" in report.errors[3].message


def test_several_errors_in_one_row_are_all_reported(acme):
    report = parse_people(b"email,role,language\nnope,chief,klingon\n", acme)

    assert {(e.row, e.column) for e in report.errors} == {
        (2, "email"),
        (2, "role"),
        (2, "language"),
    }


def test_duplicate_emails_in_the_file_are_reported_with_both_rows(acme):
    text = "email,name\nann@acme.test,Ann\nben@acme.test,Ben\nANN@acme.test ,Ann again\n"
    before = counts()
    report = import_people(acme, text.encode())

    assert not report.ok
    assert counts() == before
    assert [(e.row, e.column) for e in report.errors] == [(4, "email")]
    assert "Row 4" in report.errors[0].message
    assert "row 2" in report.errors[0].message


def test_reimport_updates_people_without_duplicating_them(acme):
    import_people(acme, GOOD.encode())
    before = counts()
    again = (
        "email,team,role,connections\n"
        "ANN@acme.test,Sales,comms,2.000\n"  # changed team, role and connections
        "ben@acme.test,Marketing,comms,\n"  # empty connections: left unchanged
        "new@acme.test,Sales,,5\n"
    )
    report = import_people(acme, again.encode())

    assert report.ok, report.errors
    assert (report.created, report.updated) == (1, 2)
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    ann = membership(acme, "ann@acme.test")
    assert (ann.role, ann.team.name, ann.user.profile.connections) == ("comms", "Sales", 2000)
    assert ann.user.name == "Ann Jansen"  # an empty name leaves the name alone
    assert membership(acme, "ben@acme.test").user.profile.connections == 350
    assert User.objects.filter(email__iexact="ann@acme.test").count() == 1


def test_dry_run_counts_but_writes_nothing(acme, bob):
    before = counts()
    report = import_people(
        acme, b"email,connections\nbob@acme.test,1\nnew@acme.test,2\n", dry_run=True
    )

    assert report.ok and report.dry_run
    assert (report.created, report.updated) == (1, 1)
    assert counts() == before
    assert bob.profile.connections == 400


@pytest.mark.parametrize(
    ("data", "column"),
    [
        (b"", ""),
        (b"\xef\xbb\xbf\r\n  \r\n", ""),
        (b"name,team\nAnn,Sales\n", "email"),
        (b"email,name\n", ""),
    ],
)
def test_file_level_errors(acme, data, column):
    report = import_people(acme, data)

    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(1, column)]


def test_blank_lines_are_skipped_but_counted(acme):
    report = parse_people(b"email\nann@acme.test\n\n,\nwrong\n", acme)

    assert [(e.row, e.column) for e in report.errors] == [(5, "email")]


def test_too_many_rows(acme):
    text = "email\n" + "".join(f"p{i}@acme.test\n" for i in range(MAX_ROWS + 1))
    report = parse_people(text, acme)

    assert not report.ok
    assert report.errors[-1].row == MAX_ROWS + 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1200", 1200), ("1.200", 1200), ("1,200", 1200), ("1 200", 1200), ("1.200.000", 1200000)],
)
def test_thousand_separators(acme, value, expected):
    result = parse_people(f'email;connections\nann@acme.test;"{value}"\n', acme)

    assert result.ok, result.errors
    assert result.people[0][1].connections == expected


@pytest.mark.parametrize("value", ["1.5", "12,34", "1.200,000", "-1", "10k", "1e3"])
def test_bad_counts(acme, value):
    result = parse_people(f'email;connections\nann@acme.test;"{value}"\n', acme)

    assert [(e.row, e.column) for e in result.errors] == [(2, "connections")]


# --- the command ---------------------------------------------------------------------------


@pytest.fixture
def csv_file(tmp_path):
    def write(text, name="people.csv"):
        path = tmp_path / name
        path.write_bytes(text.encode())
        return str(path)

    return write


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_people", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_imports_and_summarises(acme, bob, csv_file):
    path = csv_file(
        "email,name,team\nbob@acme.test,Bob,Engineering\nann@acme.test,Ann,Engineering\n"
    )
    out, _err = run("--org", "acme", "--lang", "en", path)

    assert "Imported 2 people: 1 new, 1 updated." in out
    assert Membership.objects.filter(org=acme).count() == 2


CLOWD = "email,team\nann@acme.test,Clowd\nbob@acme.test,Engineering\ncy@acme.test,Clowd\n"


def test_command_stops_at_a_team_that_does_not_exist(acme, bob, csv_file):
    Team.objects.create(org=acme, name="Cloud")
    before = counts()

    with pytest.raises(CommandError, match="1 team that does not exist yet. Nothing was imported"):
        out, _err = run("--org", "acme", "--lang", "en", csv_file(CLOWD))

    assert counts() == before
    assert not Team.objects.filter(org=acme, name="Clowd").exists()


def test_command_lists_new_teams_with_a_suggestion(acme, bob, csv_file, capsys, monkeypatch):
    Team.objects.create(org=acme, name="Cloud")
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)

    with pytest.raises(SystemExit):
        execute_from_command_line(
            ["zichtbaar", "import_people", "--org", "acme", "--lang", "en", csv_file(CLOWD)]
        )

    out = capsys.readouterr().out
    assert "New team “Clowd”: 2 people (rows 2, 4)." in out
    assert "Did you mean “Cloud”? That team already exists." in out


def test_command_creates_new_teams_when_asked(acme, bob, csv_file):
    out, _err = run("--org", "acme", "--lang", "en", "--create-teams", csv_file(CLOWD))

    assert "Imported 3 people: 2 new, 1 updated." in out
    assert Membership.objects.get(org=acme, user__email="cy@acme.test").team.name == "Clowd"


def test_command_dry_run_names_new_teams(acme, bob, csv_file):
    out, _err = run("--org", "acme", "--lang", "nl", "--dry-run", csv_file(CLOWD))

    assert "Nieuw team “Clowd”: 2 mensen (rijen 2, 4)." in out
    assert "--create-teams" in out
    assert not Team.objects.filter(org=acme, name="Clowd").exists()


def test_command_dry_run(acme, csv_file):
    path = csv_file("email\nann@acme.test\n")
    out, _err = run("--org", "acme", "--lang", "en", "--dry-run", path)

    assert "1 person would be imported: 1 new, 0 updated" in out
    assert not User.objects.filter(email="ann@acme.test").exists()


def test_command_failure_prints_every_error_and_changes_nothing(
    acme, bob, csv_file, capsys, monkeypatch
):
    path = csv_file("email,role\nann@acme.test,comms\nwrong,employee\nbob@acme.test,boss\n")
    before = counts()
    # run_from_argv closes every connection on exit; the test's transaction must survive it.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(
            ["zichtbaar", "import_people", "--org", "acme", "--lang", "en", path]
        )

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Row 3: “wrong” is not a valid e-mail address." in err
    assert "Row 4: “boss” is not a known role." in err
    assert "Nothing was imported." in err
    assert counts() == before


def test_command_unknown_org(db, csv_file):
    with pytest.raises(CommandError, match="no organisation “nope”"):
        run("--org", "nope", "--lang", "en", csv_file("email\nann@acme.test\n"))
    assert not Organisation.objects.exists()


def test_command_creates_the_org(db, csv_file):
    out, _err = run(
        "--org",
        "new-co",
        "--create-org",
        "New Co",
        "--lang",
        "en",
        csv_file("email,team\nann@new.test,Cloud\n"),
    )

    org = Organisation.objects.get(slug="new-co")
    # A new organisation's first file brings its teams without --create-teams.
    assert Membership.objects.get(org=org).team.name == "Cloud"
    assert org.name == "New Co"
    assert Membership.objects.filter(org=org, user__email="ann@new.test").exists()
    assert "Imported 1 person: 1 new, 0 updated." in out


def test_command_does_not_create_the_org_when_the_file_is_bad(db, csv_file):
    with pytest.raises(CommandError):
        run("--org", "new-co", "--create-org", "New Co", csv_file("email\nwrong\n"))
    assert not Organisation.objects.exists()


def test_command_reports_in_dutch(acme, csv_file, capsys, monkeypatch):
    path = csv_file("e-mailadres;rol\nann@acme.test;medewerker\nfout;medewerker\n")
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(
            ["zichtbaar", "import_people", "--org", "acme", "--lang", "nl", path]
        )

    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert "3" in err and "“fout”" in err
    assert not User.objects.filter(email="ann@acme.test").exists()


def test_command_shows_progress_for_big_files(acme, csv_file):
    path = csv_file("email\n" + "".join(f"p{i}@acme.test\n" for i in range(2001)))
    out, err = run("--org", "acme", "--lang", "en", path)

    assert "Imported 2001 people: 2001 new, 0 updated." in out
    assert "1,000 of 2,001" in err and "2,000 of 2,001" in err


def test_a_file_without_roles_keeps_existing_roles(acme, alice):
    report = import_people(
        acme, "email,name\nalice@acme.test,Alice Comms\nnew@acme.test,New Person\n"
    )
    assert report.ok
    assert Membership.objects.get(user=alice, org=acme).role == "comms"
    assert Membership.objects.get(user__email="new@acme.test", org=acme).role == "employee"
