"""The simulation digitises paper dossiers at receipt, exempts some and reuses a returning citizen's scans."""
import io

import pytest
from django.core.management import call_command

from demo.simulation import simulate
from digitisation import rules
from digitisation.models import Component, Source
from tests.world import at
from workflows import audit
from workflows.models import Channel, Dossier

pytestmark = pytest.mark.django_db


def run(seed=1):
    simulate(days=6, per_day=10, seed=seed, until=at(2026, 3, 4, 17))
    return sorted(Component.objects.values_list("dossier__code", "document_name", "source"))


def test_the_simulation_digitises_exempts_and_reuses(settings, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    first = run()
    sources = {source for _code, _name, source in first}
    assert {Source.DIGITISED, Source.EXEMPT, Source.REUSED} <= sources
    paper = Dossier.objects.filter(received_at__isnull=False).exclude(channel=Channel.ONLINE)
    share = rules.shares(paper)
    assert share.digitised > 0.8 * share.received and share.with_reuse > 0
    for row in Component.objects.filter(source=Source.REUSED).select_related("reused_file__dossier", "dossier"):
        earlier = row.reused_file.dossier
        assert earlier.applicant_id_number == row.dossier.applicant_id_number and earlier.pk != row.dossier_id
        assert earlier.applicant_name == row.dossier.applicant_name
    scan = Component.objects.filter(source=Source.DIGITISED).select_related("file").first().file
    assert (settings.MEDIA_ROOT / scan.stored_name).read_bytes().startswith(b"%PDF-")
    assert all(audit.verify_chain(d).ok for d in Dossier.objects.filter(components__isnull=False).distinct()[:20])
