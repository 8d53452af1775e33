"""Names family name first, and lengths of time and hours in the words and numbers of a Vietnamese page."""
import pytest
from django.utils import translation

from onestop.templatetags.onestop_tags import duration_words, working_hours
from tests import factories as f
from workflows import people

pytestmark = pytest.mark.django_db


def test_a_name_is_written_family_name_first():
    user = f.user("lvthanh", last_name="Lò", first_name="Văn Thành")
    assert people.full_name(user) == "Lò Văn Thành"
    assert people.split_full_name("Lò Văn Thành") == ("Lò", "Văn Thành")
    assert people.full_name(f.user("nameless")) == "nameless" and people.full_name(None) == ""


def test_durations_read_in_days_hours_and_minutes():
    assert duration_words(((1 * 24 + 2) * 60 + 30) * 60 + 59) == "1 ngày 2 giờ 30 phút"
    assert duration_words(3 * 3600) == "3 giờ" and duration_words(20) == "0 phút"


def test_hours_take_the_decimal_comma_in_vietnamese():
    with translation.override("vi"):
        assert working_hours(60480) == "16,8"
    with translation.override("en"):
        assert working_hours(60480) == "16.8"
    assert working_hours(None) == "—"
