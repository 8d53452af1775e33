"""The one change portal_intake makes to a dossier itself (everything else goes through
workflows.services): the TT 04/2025 flag TaiKhoanDuocXacThucVoiVNeID of a dossier received from the
national portal, which `submit_online` does not take. Called inside the receiving transaction."""
from workflows.models import Dossier


def mark_vneid_verified(dossier: Dossier) -> None:
    """The applicant submitted through a portal account verified with VNeID (QĐ 766 indicator 4.5)."""
    Dossier.objects.filter(pk=dossier.pk).update(vneid_verified=True)
    dossier.vneid_verified = True
