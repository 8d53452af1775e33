import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    """Procedures run on a centralised national service and their dossier codes
    (docs/decisions/0020-forms-and-codes-by-frame.md)."""

    dependencies = [
        ("procedures", "0005_area_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="central_service",
            field=models.BooleanField(
                default=False, verbose_name="dịch vụ công tập trung toàn quốc",
                help_text="Thủ tục được giải quyết trên hệ thống cung cấp dịch vụ công tập trung trên toàn quốc: "
                          "mã số hồ sơ theo khoản 3 Điều 13 Thông tư số 03/2025/TT-VPCP."),
        ),
        migrations.AddField(
            model_name="procedure",
            name="central_host_code",
            field=models.CharField(
                blank=True, max_length=2, verbose_name="mã cơ quan chủ quản hệ thống tập trung (AA)",
                validators=[django.core.validators.RegexValidator("^[0-9]{2}$", "Gồm đúng 02 chữ số.")],
                help_text="02 chữ số trong mã định danh điện tử của cơ quan chủ quản hệ thống cung cấp dịch vụ "
                          "công tập trung; bắt buộc với thủ tục dịch vụ công tập trung."),
        ),
    ]
