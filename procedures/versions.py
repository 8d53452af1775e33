"""Procedure versions (phiên bản thủ tục): publishing an amended procedure beside the old one.

A version is a `Procedure` row; the versions of a national code have disjoint validity periods
[valid_from, valid_to). Dossiers point at the version they were received under and pin their
plan and due time at receipt, so amending a procedure means a new row from the amendment's
date, never an edit of the row old dossiers point at (docs/decisions/0009-procedure-versions.md).
"""
import datetime as dt

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Procedure, ProcedureStep, RequiredDocument

# What a new version may not change: its identity and its start (given separately).
_FIXED = {"id", "code", "valid_from"}


def publish_new_version(procedure: Procedure, valid_from: dt.date, **changes) -> Procedure:
    """Copy `procedure` with its documents and steps into a new version valid from `valid_from`.

    The old version is closed (valid_to = valid_from) in the same transaction. `changes` are
    field values of the new version (e.g. `level=…`, `time_limit_value=…`); it keeps the old
    version's end, so splitting a closed version leaves the later versions untouched. Raises
    ValidationError (nothing written) when the date does not fall inside the old version's
    period or the new version would be invalid.
    """
    for name in changes:
        try:
            concrete = Procedure._meta.get_field(name).concrete
        except FieldDoesNotExist:
            concrete = False
        if name in _FIXED or not concrete:
            raise ValueError(f"a new version cannot set {name!r}")
    with transaction.atomic():
        old = Procedure.objects.select_for_update().get(pk=procedure.pk)
        if old.valid_from and valid_from <= old.valid_from:
            raise ValidationError(
                _("Ngày áp dụng phiên bản mới phải sau ngày bắt đầu hiệu lực của phiên bản hiện tại (%(date)s).")
                % {"date": old.valid_from.strftime("%d/%m/%Y")}, code="too_early")
        if old.valid_to and old.valid_to < valid_from:
            raise ValidationError(
                _("Phiên bản hiện tại đã hết hiệu lực từ %(date)s, trước ngày áp dụng phiên bản mới.")
                % {"date": old.valid_to.strftime("%d/%m/%Y")}, code="ended")
        documents = list(old.documents.all())
        steps = list(old.steps.all())
        new = Procedure.objects.get(pk=old.pk)
        new.pk = None
        new.valid_from = valid_from
        if new.valid_to == valid_from:  # the old version had ended on that day: the new one goes on
            new.valid_to = None
        for name, value in changes.items():
            setattr(new, name, value)
        old.valid_to = valid_from
        old.save(update_fields=["valid_to"])
        new.full_clean()  # after closing the old version, so only a real overlap is reported
        new.save(force_insert=True)
        RequiredDocument.objects.bulk_create([
            RequiredDocument(procedure=new, order=d.order, name=d.name, copies=d.copies, form=d.form,
                             is_mandatory=d.is_mandatory) for d in documents])
        ProcedureStep.objects.bulk_create([
            ProcedureStep(procedure=new, order=s.order, name=s.name, unit_offset=s.unit_offset,
                          agency_kind_id=s.agency_kind_id, role=s.role, share_percent=s.share_percent,
                          duration_value=s.duration_value, duration_unit=s.duration_unit)
            for s in steps])
    procedure.valid_to = valid_from
    return new
