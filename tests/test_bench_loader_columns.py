"""The bench's bulk loader writes rows column by column: a new NOT NULL field on the dossier that
it does not list breaks the 1M/10M loads only hours into a run. Caught here instead."""
from django.db.models import NOT_PROVIDED

from bench.metrics import DOSSIER_COLUMNS
from workflows.models import Dossier


def test_the_loader_lists_every_required_dossier_column():
    required = {
        field.column for field in Dossier._meta.concrete_fields
        if not field.null and field.db_default is NOT_PROVIDED and not field.primary_key
    }
    assert required - set(DOSSIER_COLUMNS) == set()
    assert len(DOSSIER_COLUMNS) == len(set(DOSSIER_COLUMNS))
