"""Masking of personal data in log records (dữ liệu cá nhân trong nhật ký hệ thống).

ID numbers (CMND 9 digits, CCCD / số định danh 12 digits) and phone numbers never reach a
log file in clear: a filter on the console handler rewrites each record's message (and the
traceback text) keeping only the last digits. Imported by settings.LOGGING, so it must not
import Django models.
"""
import logging
import re
import sys

# 9–12 digits not part of a longer number; phones also as +84…, or grouped "0912 345 678".
_PATTERNS = [
    re.compile(r"(?<![\d+])\+?84[ .-]?\d{2,3}[ .-]?\d{3}[ .-]?\d{3,4}(?!\d)"),
    re.compile(r"(?<!\d)0\d{2,3}[ .-]\d{3}[ .-]\d{3,4}(?!\d)"),
    re.compile(r"(?<!\d)\d{9,12}(?!\d)"),
]


def _mask(match: re.Match) -> str:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    keep = 3 if digits <= 11 else 4
    seen, out = 0, []
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > digits - keep else "*")
        else:
            out.append(ch)
    return "".join(out)


def mask_text(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(_mask, text)
    return text


class MaskPersonalData(logging.Filter):
    """Rewrite the record so formatters only ever see the masked message."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error path
            return True
        record.msg, record.args = mask_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


def console_handler(stream=None) -> logging.Handler:
    """The console handler of settings.LOGGING, with the masking filter attached."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(MaskPersonalData())
    return handler
