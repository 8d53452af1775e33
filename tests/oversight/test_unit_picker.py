"""The supervisor's unit picker in the frame in force today: units in force first, by level; units
ended by the 2025 reform apart, with their end date; the default the highest unit in force."""
import datetime as dt

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db
REFORM = dt.date(2025, 7, 1)


@pytest.fixture
def two_tier(world):
    """The test province after the reform: the district ended, a new commune directly under the province."""
    w = world
    for unit in (w.district, w.commune, w.other_commune):
        unit.valid_to = REFORM
        unit.save(update_fields=["valid_to"])
    w.new_commune = f.unit("Xã Bình Lư (mới)", "commune", parent=w.province, code="03425", valid_from=REFORM)
    w.province_supervisor = f.user("tinh_supervisor", "supervisor", [w.province_pc], supervised_unit=w.province)
    return w


def test_the_picker_puts_units_in_force_first_and_labels_the_ended(client, two_tier, frozen_now):
    w = two_tier
    client.force_login(w.province_supervisor)
    response = client.get(reverse("oversight:index"))
    assert response.context["unit"] == w.province
    groups = [(label, [name for _pk, name in rows]) for label, rows in response.context["form"].fields["unit"].choices
              if isinstance(rows, list)]
    labels = [label for label, _rows in groups]
    assert labels[:2] == ["province", "commune"]  # f.level names are their codes
    assert dict(groups)["commune"] == ["Xã Bình Lư (mới)"]
    ended = [names for label, names in groups if "không còn hiệu lực" in label]
    assert ["Tam Đường (đến 30/06/2025)"] in ended
    assert sorted(ended[-1]) == ["Bình Lư (đến 30/06/2025)", "Bản Bo (đến 30/06/2025)"]


def test_the_period_fields_show_the_period_shown(client, two_tier, frozen_now):
    client.force_login(two_tier.province_supervisor)
    page = client.get(reverse("oversight:index"), {"kind": "quarter"}).content.decode()
    today = frozen_now.date()
    assert f'name="year" value="{today.year}"' in page
    assert f'name="number" value="{(today.month - 1) // 3 + 1}"' in page


def test_a_supervisor_of_an_ended_district_still_opens_it(client, two_tier):
    client.force_login(two_tier.supervisor)
    assert client.get(reverse("oversight:index")).context["unit"] == two_tier.district


def test_the_report_screen_offers_the_successor_view(client, two_tier):
    client.force_login(two_tier.province_supervisor)
    query = {"kind": "month", "year": 2025, "number": 3, "by_successor": "on"}
    response = client.get(reverse("oversight:report"), query)
    assert response.status_code == 200 and 'name="by_successor"' in response.content.decode()
