# A migration of its own: PostgreSQL refuses to alter a table with the fill's pending trigger events.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0012_boundless_receipt"),
    ]

    operations = [
        migrations.AlterField(
            model_name='dossier',
            name='competent_unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='competent_dossiers', to='procedures.administrativeunit', verbose_name='đơn vị có thẩm quyền giải quyết'),
        ),
        migrations.AlterField(
            model_name='dossier',
            name='return_agency',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='returning_dossiers', to='procedures.agency', verbose_name='nơi trả kết quả'),
        ),
    ]
