"""Personal data never reaches the console log in clear."""
import io
import logging

from onestop.api.log_masking import console_handler, mask_text


def test_id_numbers_and_phones_are_masked_keeping_the_last_digits():
    assert mask_text("CCCD 012345678901, CMND 123456789") == "CCCD ********8901, CMND ******789"
    assert mask_text("gọi 0912345678 hoặc +84 912 345 678 / 0912.345.678") == (
        "gọi *******678 hoặc +** *** *** 678 / ****.***.678")


def test_codes_dates_and_short_numbers_are_left_alone():
    text = "Hồ sơ 000.01.06.H29-260302-0001 lúc 2026-03-02 09:00, 3 ngày, mã 12345678"
    assert mask_text(text) == text


def test_the_settings_console_handler_masks_messages_arguments_and_tracebacks():
    stream = io.StringIO()
    handler = console_handler(stream)
    logger = logging.getLogger("tests.api.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("applicant %s phone %s", "012345678901", "0912345678")
        try:
            raise ValueError("bad id 012345678901")
        except ValueError:
            logger.exception("failed for %s", "0912345678")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "012345678901" not in out and "0912345678" not in out
    assert "********8901" in out and "*******678" in out and "ValueError" in out


def test_settings_wire_the_masking_handler():
    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["()"] == "onestop.api.log_masking.console_handler"
    root_handlers = logging.getLogger().handlers
    assert any(any(type(f).__name__ == "MaskPersonalData" for f in h.filters) for h in root_handlers)
