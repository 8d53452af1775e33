from django.core.files.uploadedfile import SimpleUploadedFile

from digitisation import services
from workflows import services as workflow_services

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ALL_CHECKS = services.Checks(counts=True, complete=True, order=True, legible=True)


def scan(name="ban-quet.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def mandatory(w, procedure=None):
    return (procedure or w.commune_proc).documents.get(is_mandatory=True)


def receive(w, *, id_number="012345678901", name="Nguyễn Văn An", channel="counter"):
    return workflow_services.receive(
        actor=w.clerk, procedure=w.commune_proc, agency=w.counter,
        applicant=workflow_services.Applicant(name=name, id_number=id_number), channel=channel,
        document_ids=[d.pk for d in w.commune_proc.documents.filter(is_mandatory=True)],
    ).dossier


def digitise(w, dossier, document=None):
    return services.digitise(dossier, actor=w.clerk, required_document=document or mandatory(w), upload=scan(),
                             pages=2, originals=1, copies=0, checks=ALL_CHECKS)
