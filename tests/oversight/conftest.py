import copy
from pathlib import Path

import pytest
from django.apps import apps

from tests.metrics.conftest import march  # noqa: F401 -- the hand-built March 2026 data set

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "onestop" / "oversight" / "templates"


@pytest.fixture(autouse=True)
def oversight_templates(settings):
    """Find the oversight templates even before `onestop.oversight` is in INSTALLED_APPS."""
    if not apps.is_installed("onestop.oversight"):
        templates = copy.deepcopy(settings.TEMPLATES)
        templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES_DIR]
        if not apps.is_installed("onestop"):
            templates[0]["OPTIONS"].setdefault("libraries", {})["onestop_tags"] = "onestop.templatetags.onestop_tags"
        settings.TEMPLATES = templates
