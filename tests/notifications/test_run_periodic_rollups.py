"""The embedded setup's periodic command also rebuilds the dashboards' rollups on request."""
import pytest
from django.core.management import call_command

from reporting.models import MonthlyCount
from tests.world import at, receive

pytestmark = pytest.mark.django_db


def test_run_periodic_with_rollups_rebuilds_the_monthly_counts(world, capsys):
    receive(world, now=at(2026, 3, 2, 9))
    assert not MonthlyCount.objects.exists()
    call_command("run_periodic", "--rollups")
    assert MonthlyCount.objects.exists()
    assert "rollups:" in capsys.readouterr().out
