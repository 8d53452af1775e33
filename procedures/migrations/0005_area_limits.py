from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    """Longer time limits in difficult areas (docs/decisions/0018-area-dependent-limits.md)."""

    dependencies = [
        ("procedures", "0004_publication"),
    ]

    operations = [
        migrations.AddField(
            model_name="administrativeunit",
            name="is_difficult_area",
            field=models.BooleanField(
                default=False, verbose_name="xã thuộc vùng khó khăn, miền núi, hải đảo",
                help_text="Xã miền núi, hải đảo, vùng sâu, vùng xa, vùng có điều kiện kinh tế - xã hội khó khăn "
                          "hoặc đặc biệt khó khăn: hồ sơ áp dụng thời hạn dành cho vùng này nếu thủ tục có quy định."),
        ),
        migrations.AddField(
            model_name="procedure",
            name="time_limit_difficult_value",
            field=models.DecimalField(
                blank=True, null=True, max_digits=6, decimal_places=1,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="thời hạn giải quyết tại vùng khó khăn",
                help_text="Thời hạn tại xã miền núi, hải đảo, vùng sâu, vùng xa, vùng khó khăn, cùng đơn vị "
                          "thời hạn. Để trống nếu thủ tục không có quy định riêng."),
        ),
    ]
