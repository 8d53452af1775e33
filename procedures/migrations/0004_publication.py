from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("procedures", "0003_procedure_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="posted_at_counter",
            field=models.BooleanField(
                default=True, verbose_name="niêm yết tại Bộ phận Một cửa",
                help_text="Thủ tục được niêm yết công khai, chính xác, đầy đủ, kịp thời tại nơi tiếp nhận."),
        ),
        migrations.AddField(
            model_name="procedure",
            name="published_electronically",
            field=models.BooleanField(
                default=True, verbose_name="công khai điện tử",
                help_text="Thủ tục được công khai trên Cơ sở dữ liệu quốc gia và Cổng dịch vụ công."),
        ),
    ]
