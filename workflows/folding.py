"""Text folded for accent-insensitive search (tìm không dấu): "Nguyễn Văn Đông" → "nguyen van dong"."""
import unicodedata


def fold(text: str) -> str:
    """Lower-case without Vietnamese diacritics, spaces collapsed: "Đăng  ký" → "dang ky"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def applicant_search(applicant_name: str, subject_name: str = "") -> str:
    """What `Dossier.applicant_search` holds: the applicant's and the subject's names, folded."""
    return fold(f"{applicant_name} {subject_name}")[:400]
