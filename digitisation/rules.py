"""The named rule "digitised dossier" (hồ sơ được số hóa), written once, as SQL and for one dossier.

A dossier received on paper is digitised when every mandatory component of its procedure has a row
that made it electronic or lawfully spared it: digitised at the counter, reused, taken from the data
store, or exempt (TT 03/2025/TT-VPCP Art. 5.2). A dossier filed online is electronic from the start
(the same article's first case) and counts as digitised. Only received dossiers count: the rule
speaks of a dossier the counter took in (NĐ 118/2025 Art. 17.1.c). The figures of QĐ 766 group 4
(`shares`) read these rules; tests hold the two forms equal.
"""
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from procedures.models import RequiredDocument
from workflows.models import Channel, Dossier, DossierEvent, DossierFile, FileKind

from .models import Component, Source

# The sources that make a paper component count (ELECTRONIC belongs to online dossiers).
COUNTING_SOURCES = (Source.DIGITISED, Source.REUSED, Source.DATA_STORE, Source.EXEMPT)


def _uncovered_mandatory():
    """The dossier's mandatory components with no counting row (for an outer Dossier query)."""
    covered = Component.objects.filter(dossier=OuterRef(OuterRef("pk")), required_document=OuterRef("pk"),
                                       source__in=COUNTING_SOURCES)
    return RequiredDocument.objects.filter(procedure=OuterRef("procedure"), is_mandatory=True).exclude(
        Exists(covered))


def digitised_q() -> Q:
    return Q(received_at__isnull=False) & (Q(channel=Channel.ONLINE) | ~Exists(_uncovered_mandatory()))


def is_digitised(dossier: Dossier) -> bool:
    if dossier.received_at is None:
        return False
    if dossier.channel == Channel.ONLINE:
        return True
    mandatory = set(RequiredDocument.objects.filter(procedure_id=dossier.procedure_id, is_mandatory=True)
                    .values_list("pk", flat=True))
    covered = set(Component.objects.filter(dossier=dossier, source__in=COUNTING_SOURCES)
                  .values_list("required_document_id", flat=True))
    return mandatory <= covered


def with_reuse_q() -> Q:
    """At least one component reused (QĐ 766 indicator 4.3, `DuocTaiSuDung`)."""
    return Exists(Component.objects.filter(dossier=OuterRef("pk"), source=Source.REUSED))


def electronic_result_q() -> Q:
    """The decision carries an electronic result: the decide event names its file ("result_file"), or
    a file of kind "result" is kept."""
    named = Exists(DossierEvent.objects.filter(dossier=OuterRef("pk"), action="decide",
                                               data__has_key="result_file"))
    return named | Exists(DossierFile.objects.filter(dossier=OuterRef("pk"), kind=FileKind.RESULT))


@dataclass
class Shares:
    received: int
    digitised: int
    with_reuse: int
    decided: int
    electronic_result: int

    @staticmethod
    def rate(part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 0.0


def shares(dossiers=None) -> Shares:
    """The QĐ 766 digitisation figures over `dossiers` (default: all): received, digitised (4.2's
    component half), with a reused component (4.3), decided with an electronic result (4.1)."""
    qs = (dossiers if dossiers is not None else Dossier.objects.all()).filter(received_at__isnull=False)
    decided = qs.filter(resolved_at__isnull=False)
    return Shares(received=qs.count(), digitised=qs.filter(digitised_q()).count(),
                  with_reuse=qs.filter(with_reuse_q()).count(), decided=decided.count(),
                  electronic_result=decided.filter(electronic_result_q()).count())
