"""`{% digitisation_section dossier %}`: the counter dossier page's "Số hóa thành phần hồ sơ"."""
from django import template

from procedures.models import RequiredDocument
from workflows.models import Channel
from workflows.statuses import OPEN_STATUSES

from .. import reuse
from ..forms import ComponentForm
from ..models import Component

register = template.Library()


@register.inclusion_tag("digitisation/_section.html", takes_context=True)
def digitisation_section(context, dossier):
    user = context["request"].user
    rows = list(Component.objects.filter(dossier=dossier).select_related(
        "file", "reused_file__dossier", "actor").order_by("pk"))
    done = {row.required_document_id for row in rows}
    can_write = dossier.status in OPEN_STATUSES and reuse.may_reuse(user, dossier)
    paper = dossier.channel != Channel.ONLINE
    pending, other = [], None
    if can_write and paper:
        other = ComponentForm(other=True, prefix="other")
        documents = [d for d in RequiredDocument.objects.filter(procedure_id=dossier.procedure_id)
                     if d.pk not in done]
        offered = reuse.offers(dossier, documents)
        pending = [(doc, ComponentForm(offers=offered[doc.pk], prefix=f"c{doc.pk}")) for doc in documents]
    return {"dossier": dossier, "rows": rows, "pending": pending, "other_form": other, "paper": paper,
            "can_write": can_write, "csrf_token": context.get("csrf_token")}
