"""QĐ 766/QĐ-TTg indicators as the national portal computes them (law-2025.md section (b)).

Each indicator is one named definition: points, scoring function and the text the screen shows.
Pure functions only; the counts come from scoreboard.figures / scoreboard.progress (live). 5.2 and
5.3 with no petition in the period score full marks (`EMPTY_RATE`).
"""
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


def linear(points, rate):
    """max × rate."""
    return Decimal(points) * min(Decimal(1), rate)


def threshold(share):
    """R ≥ share → full points, else proportional (points · R / share)."""
    share = Decimal(share)

    def score(points, rate):
        return Decimal(points) if rate >= share else Decimal(points) * rate / share

    return score


@dataclass(frozen=True)
class Indicator:
    id: str
    group: int
    name: str
    definition: str
    points: int
    scoring: Callable | None  # None: tracked only or not computable from our data

    def score(self, numerator, denominator, *, empty_rate=None, factor=None):
        """Points for numerator/denominator (times `factor`, e.g. 3.3's sync ratio); None when not
        computable (không đủ dữ liệu)."""
        if self.scoring is None:
            return None
        if not denominator:
            if empty_rate is None:
                return None
            rate = Decimal(empty_rate)
        else:
            rate = Decimal(numerator) / Decimal(denominator)
        if factor is not None:
            rate *= Decimal(factor)
        return self.scoring(self.points, rate).quantize(Decimal("0.01"))


INDICATORS = [
    Indicator("1.4", 1, _("Hồ sơ đồng bộ lên Cổng DVCQG"),
              _("Số hồ sơ đã đồng bộ có ngày tiếp nhận trong kỳ / tổng số hồ sơ tiếp nhận."), 6, linear),
    Indicator("2.1", 2, _("Hồ sơ xử lý trước và đúng hạn"),
              _("Hồ sơ hoàn thành hoặc đang xử lý đúng hạn (so với ngày hẹn trả, trừ thời gian chờ bổ sung; "
                "yêu cầu bổ sung quá một lần là trễ hạn) / hồ sơ tiếp nhận hoặc xử lý trong kỳ."), 20, linear),
    Indicator("3.3", 3, _("Hồ sơ trực tuyến"),
              _("Hồ sơ tiếp nhận trực tuyến (có mã và tệp kết quả nếu trả bản giấy) / hồ sơ tiếp nhận, "
                "nhân tỷ lệ đồng bộ (1.4)."), 6, threshold("0.5")),
    Indicator("4.1", 4, _("Hồ sơ có kết quả điện tử"),
              _("Hồ sơ đồng bộ có tệp kết quả / hồ sơ của thủ tục có trả giấy tờ."), 6, linear),
    Indicator("4.3", 4, _("Tái sử dụng dữ liệu số hóa"),
              _("Hồ sơ có ít nhất một thành phần được tái sử dụng / hồ sơ tiếp nhận."), 2, threshold("0.8")),
    Indicator("4.2", 4, _("Hồ sơ được số hóa"),
              _("Hồ sơ có tệp đính kèm cho các thành phần hồ sơ và có tệp kết quả / hồ sơ tiếp nhận."), 4, linear),
    Indicator("4.4", 4, _("Kết nối Kho quản lý dữ liệu điện tử"),
              _("Hồ sơ có ít nhất một thành phần lấy từ Kho quản lý dữ liệu điện tử (DuocLayTuKhoDMQG) / "
                "hồ sơ tiếp nhận."), 4, linear),
    Indicator("4.5b", 4, _("Hồ sơ sử dụng dữ liệu dân cư"),
              _("Hồ sơ có tài khoản xác thực VNeID / tổng số hồ sơ."), 2, linear),
    Indicator("5.2", 5, _("Phản ánh, kiến nghị xử lý đúng hạn"),
              _("Phản ánh, kiến nghị xử lý đúng hạn (từ chối ≤ 2, đề nghị bổ sung ≤ 5, xử lý ≤ 15, công khai ≤ 2 "
                "ngày làm việc) / phản ánh, kiến nghị trong kỳ; không có → đủ điểm."), 6, linear),
    Indicator("5.3", 5, _("Mức độ hài lòng trong xử lý phản ánh, kiến nghị"),
              _("(Phản ánh, kiến nghị − số không hài lòng, phản ánh lại hoặc trễ hạn) / phản ánh, kiến nghị trong "
                "kỳ; không có → đủ điểm."), 6, linear),
    Indicator("5.4", 5, _("Mức độ hài lòng trong giải quyết hồ sơ"),
              _("100% − (tỷ lệ hồ sơ trễ hạn + tỷ lệ hồ sơ có phản ánh hoặc không hài lòng)."), 6, threshold("0.9")),
    Indicator("3.6", 6, _("Hồ sơ thanh toán trực tuyến"),
              _("Hồ sơ thanh toán trực tuyến / hồ sơ của thủ tục có phí, trừ hồ sơ miễn phí."), 6, linear),
    Indicator("1.1", 1, _("Công bố thủ tục đúng hạn"), _("Không đủ dữ liệu."), 6, None),
]

BY_ID = {i.id: i for i in INDICATORS}
# The rate an indicator takes when its denominator is 0 (no petitions → full marks, law-2025.md (b)).
EMPTY_RATE = {"5.2": 1, "5.3": 1}
