"""{% signature_verdict file as verdict %}: the verdict on an uploaded PDF (signing.verify), or None."""
import logging

from django import template

from signing.verify import verdict_for_file

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag
def signature_verdict(dossier_file):
    try:
        return verdict_for_file(dossier_file)
    except Exception:  # a verdict that cannot be computed never breaks the dossier page
        logger.exception("signature verdict failed for file %s", getattr(dossier_file, "pk", None))
        return None
