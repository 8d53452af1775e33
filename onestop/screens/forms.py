"""Forms shared by the staff screens."""
from django import forms


class VersionedForm(forms.Form):
    """An action on an existing dossier: carries the version it was drawn from (stale-form guard)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
