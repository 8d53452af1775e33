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
