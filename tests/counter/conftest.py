"""Fixtures for the counter screens."""
import pytest

# The site apps whose templates, static files and template tags these screens need. Until
# settings list them, install them for the test (a no-op once they are in INSTALLED_APPS).
SITE_APPS = ["onestop", "onestop.counter", "onestop.desk"]


def install_site_apps(settings):
    missing = [app for app in SITE_APPS if app not in settings.INSTALLED_APPS]
    if missing:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, *missing]


@pytest.fixture(autouse=True)
def _site_apps(settings):
    install_site_apps(settings)


@pytest.fixture
def clerk_client(client, world):
    client.force_login(world.clerk)
    return client


@pytest.fixture
def fake_documents(monkeypatch):
    return install_fake_documents(monkeypatch)


def install_fake_documents(monkeypatch):
    """Stand-ins for the PDF renderers (documents.render) that record their calls."""
    from documents import render as module

    calls = []

    def render_form(kind, dossier, *, secret=None):
        calls.append((kind, dossier.pk, secret))
        return b"%PDF-1.4 fake " + kind.encode()

    def render_tracking_book(agency, date_from, date_to):
        calls.append(("tracking_book", agency.pk, date_from, date_to))
        return b"%PDF-1.4 fake book"

    monkeypatch.setattr(module, "render_form", render_form)
    monkeypatch.setattr(module, "render_tracking_book", render_tracking_book)
    return calls


def submit_online(w, procedure=None, name="Trần Thị Hoa"):
    from workflows import services

    procedure = procedure or w.commune_proc
    if procedure.online_level == "none":
        procedure.online_level = "partial"
        procedure.save()
    return services.submit_online(procedure=procedure, agency=w.counter, applicant=services.Applicant(name=name),
                                  document_ids=[]).dossier


def result_ready(w, *, now, name="Nguyễn Văn An"):
    """A dossier received, processed and decided at `now` (usually `frozen_now`), waiting at the counter."""
    from workflows import services

    dossier = services.receive(
        actor=w.clerk, procedure=w.commune_proc, agency=w.counter,
        applicant=services.Applicant(name=name, id_number="012345678901", phone="0912345678"),
        document_ids=[d.pk for d in w.commune_proc.documents.filter(is_mandatory=True)], now=now,
    ).dossier
    dossier = services.complete_step(dossier, actor=w.specialist, now=now)
    return services.decide(dossier, actor=w.leader, outcome="granted", now=now)
