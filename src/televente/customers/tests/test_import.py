import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from televente.core.errors import DomainError
from televente.customers import imports
from televente.customers.models import Company, Contact, ImportJob
from televente.customers.tests.factories import CompanyFactory, valid_siret

pytestmark = pytest.mark.usefixtures("reference_data")

HEADER = "Raison sociale;Enseigne;SIRET;Code postal;Ville;Téléphone;Typologie;Nom du contact;E-mail\n"


def csv_file(rows: list[str], name: str = "clients.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, (HEADER + "\n".join(rows) + "\n").encode(encoding), content_type="text/csv"
    )


GOOD = [
    f"SARL Le Port;Brasserie du Port;{valid_siret(1)};75011;Paris;01 42 68 53 00;restaurant;Martin;chef@port.fr",
    f"SAS Fournil;Au Fournil;{valid_siret(2)};69001;Lyon;04 72 00 00 01;Boulangerie-pâtisserie;Durand;",
    "EURL Épicerie;Chez Léon;;1000;Bourg-en-Bresse;;epicerie;;",
]
BAD = [
    "SARL Faux;Faux SIRET;12345678901234;75011;Paris;;restaurant;;",
    ";Sans nom;;75011;Paris;;restaurant;;pas-un-email",
]


def start(user, upload) -> ImportJob:
    job = imports.import_job_create(by=user, upload=upload)
    return imports.import_job_set_mapping(job=job, by=user, mapping=job.mapping)


@pytest.mark.django_db(transaction=True)
def test_dry_run_lists_each_bad_row_and_writes_nothing(world, run_tasks):
    job = start(world.rep_a, csv_file(GOOD + BAD))
    assert (
        job.mapping["Raison sociale"] == "legal_name" and job.mapping["Nom du contact"] == "contact_last_name"
    )
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.total_rows, job.valid_rows, job.error_rows) == (5, 3, 2)
    by_row = {(e["row"], e["column"]) for e in job.errors}
    assert by_row == {(5, "SIRET"), (6, "Raison sociale"), (6, "E-mail")}
    assert any("clé de contrôle" in e["message"] for e in job.errors)
    assert Company.objects.count() == 0

    with pytest.raises(DomainError):  # all-or-nothing is refused while rows are in error
        imports.import_job_confirm(job=job, by=world.rep_a, mode="all", skip_duplicates=True)
    imports.import_job_confirm(job=job, by=world.rep_a, mode="valid_only", skip_duplicates=True)
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 3
    port = Company.objects.get(trade_name="Brasserie du Port")
    assert port.rep == world.rep_a and port.team == world.team_a
    assert port.phones.get().e164 == "+33142685300"
    assert Contact.objects.get(company=port).email == "chef@port.fr"
    assert Company.objects.get(trade_name="Chez Léon").postcode == "01000"  # Excel's lost leading zero
    assert port.interactions.filter(kind="system").exists()


@pytest.mark.django_db(transaction=True)
def test_fixed_file_imports_all_or_nothing(world, run_tasks):
    job = start(world.rep_a, csv_file(GOOD, encoding="cp1252"))  # Excel's French CSV encoding
    run_tasks()
    imports.import_job_confirm(job=job, by=world.rep_a, mode="all", skip_duplicates=True)
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Company.objects.filter(trade_name="Chez Léon").exists()


@pytest.mark.django_db(transaction=True)
def test_duplicates_are_found_and_skipped(world, run_tasks):
    CompanyFactory(rep=world.rep_a, siret=valid_siret(1), trade_name="Brasserie du Port (existante)")
    job = start(world.rep_a, csv_file(GOOD + [GOOD[1]]))  # the last row repeats an earlier one
    run_tasks()
    job.refresh_from_db()
    reasons = {(d["row"], d["reason"]) for d in job.duplicates}
    assert (2, "même SIRET") in reasons
    assert (5, "même SIRET") in reasons
    imports.import_job_confirm(job=job, by=world.rep_a, mode="all", skip_duplicates=True)
    run_tasks()
    job.refresh_from_db()
    assert job.created_count == 2


@pytest.mark.django_db(transaction=True)
def test_xlsx_and_formula_cells(world, run_tasks):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Raison sociale", "Ville", "Code postal"])
    sheet.append(["SARL Normal", "Paris", 75011])
    sheet.append(['=HYPERLINK("http://evil.example","clic")', "Paris", "75011"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = start(world.rep_a, SimpleUploadedFile("clients.xlsx", buffer.getvalue()))
    run_tasks()
    job.refresh_from_db()
    assert job.valid_rows == 1 and job.error_rows == 1
    assert "Formule de tableur refusée" in job.errors[0]["message"]


@pytest.mark.django_db
def test_unreadable_files_are_refused_with_a_message(world):
    with pytest.raises(DomainError, match="CSV ou Excel"):
        imports.import_job_create(by=world.rep_a, upload=SimpleUploadedFile("photo.png", b"\x89PNG..."))
    with pytest.raises(DomainError, match="illisible"):
        imports.import_job_create(by=world.rep_a, upload=SimpleUploadedFile("faux.xlsx", b"not a zip"))
    with pytest.raises(DomainError, match="vide"):
        imports.import_job_create(by=world.rep_a, upload=SimpleUploadedFile("vide.csv", b""))


@pytest.mark.django_db
def test_mapping_needs_the_legal_name(world):
    job = imports.import_job_create(by=world.rep_a, upload=csv_file(GOOD))
    with pytest.raises(DomainError, match="Raison sociale"):
        imports.import_job_set_mapping(job=job, by=world.rep_a, mapping={"Enseigne": "trade_name"})


@pytest.mark.django_db
def test_import_pages(client, world):
    client.force_login(world.rep_a)
    response = client.post(reverse("customers:import_start"), {"file": csv_file(GOOD)})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("customers:import_detail", kwargs={"pk": job.pk}))
    assert "Correspondance des colonnes" in page.text
    client.force_login(world.rep_b)
    assert client.get(reverse("customers:import_detail", kwargs={"pk": job.pk})).status_code == 404
    client.force_login(world.bo_logistics)
    assert client.get(reverse("customers:import_start")).status_code == 403
