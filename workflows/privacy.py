"""Masking of personal data for lists, exports and logs (dữ liệu cá nhân)."""


def mask_id_number(value: str) -> str:
    """012345678901 → ********8901: enough to tell two people apart at the counter."""
    value = (value or "").strip()
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_phone(value: str) -> str:
    """0912345678 → 091****678."""
    value = (value or "").strip()
    if len(value) <= 6:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 6) + value[-3:]


def mask_name(value: str) -> str:
    """Nguyễn Văn An → N. V. An: for public pages, where even the name is too much."""
    parts = (value or "").split()
    if len(parts) <= 1:
        return value or ""
    return " ".join([f"{p[0]}." for p in parts[:-1]] + [parts[-1]])


# --- the receiving clerk's full view (NĐ 13/2023 on personal data: only who needs it, logged) ----

UNMASKED_FIELDS = ("applicant_id_number", "applicant_phone", "subject_id_number")


def may_see_in_full(user, dossier) -> bool:
    """The phone and ID numbers in full: for the clerks of the counter that received the dossier or
    returns its result (to call the citizen, to check the collector's ID); masked for anyone else."""
    from .membership import agency_ids, is_member
    from .roles import Role

    if not user.is_authenticated or not user.is_active:
        return False
    agencies = agency_ids(user)
    return any(agency in agencies and is_member(user, agency, Role.CLERK)
               for agency in {dossier.receiving_agency_id, dossier.return_agency_id} if agency)


def log_unmasked(user, dossier, screen: str, now=None):
    """Write down that `user` saw the dossier's personal data unmasked on `screen` (not a change of
    the dossier: no audit event). Returns the record, or None when there was nothing to unmask."""
    from django.utils import timezone

    from .models import PersonalDataView

    shown = [name for name in UNMASKED_FIELDS if getattr(dossier, name, "")]
    if not shown:
        return None
    return PersonalDataView.objects.create(dossier=dossier, user=user, at=now or timezone.now(),
                                           fields=",".join(shown), screen=screen[:60])


def unmasked_contact(user, dossier, screen: str) -> bool:
    """Whether the page shows the contact data in full; if so, the view is logged."""
    if not may_see_in_full(user, dossier):
        return False
    log_unmasked(user, dossier, screen)
    return True


def unmasked_in_list(user, shown, screen: str, now=None) -> set[int]:
    """A list page's rows: `shown` pairs each listed dossier with the fields its row shows. Those the
    user may see in full (`may_see_in_full`) are logged, one record per dossier per page view with
    the fields shown, a dossier listed twice once (ADR 0034); returns their ids, the rows to unmask."""
    from django.utils import timezone

    from .models import PersonalDataView

    dossiers, fields_of = {}, {}
    for dossier, fields in shown:
        if dossier.pk in dossiers or may_see_in_full(user, dossier):
            dossiers[dossier.pk] = dossier
            fields_of.setdefault(dossier.pk, set()).update(name for name in fields if getattr(dossier, name, ""))
    at = now or timezone.now()
    PersonalDataView.objects.bulk_create(
        PersonalDataView(dossier=dossiers[pk], user=user, at=at, screen=screen[:60],
                         fields=",".join(name for name in UNMASKED_FIELDS if name in names))
        for pk, names in fields_of.items() if names)
    return set(dossiers)
