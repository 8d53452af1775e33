"""The audit trail's defences: verification runs and their findings, signed daily anchors of the chain heads."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0009_audit_guard'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(db_index=True)),
                ('taken_at', models.DateTimeField()),
                ('dossier_count', models.PositiveIntegerField(default=0)),
                ('digest', models.CharField(max_length=64)),
                ('signature', models.CharField(max_length=64)),
                ('key_id', models.CharField(help_text='Fingerprint of the signing key, never the key.', max_length=16)),
            ],
            options={
                'verbose_name': 'mốc đối chiếu nhật ký',
                'verbose_name_plural': 'mốc đối chiếu nhật ký',
                'ordering': ['-taken_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='AuditRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('checked', models.PositiveIntegerField(default=0)),
                ('events_checked', models.PositiveIntegerField(default=0)),
                ('finding_count', models.PositiveIntegerField(default=0)),
                ('error', models.TextField(blank=True)),
                ('anchor', models.ForeignKey(blank=True, help_text='The anchor the heads were compared with.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflows.auditanchor')),
            ],
            options={
                'verbose_name': 'lượt kiểm tra nhật ký',
                'verbose_name_plural': 'lượt kiểm tra nhật ký',
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='AuditAnchorHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('code', models.CharField(max_length=64)),
                ('event_count', models.PositiveIntegerField()),
                ('last_event_hash', models.CharField(blank=True, max_length=64)),
                ('anchor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='heads', to='workflows.auditanchor')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('anchor', 'position'), name='anchorhead_position'), models.UniqueConstraint(fields=('anchor', 'code'), name='anchorhead_code')],
            },
        ),
        migrations.CreateModel(
            name='AuditFinding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(blank=True, max_length=64)),
                ('unit_path', models.CharField(blank=True, max_length=255)),
                ('kind', models.CharField(choices=[('chain', 'Nhật ký bị sửa hoặc mất sự kiện'), ('head', 'Đầu chuỗi trên hồ sơ không khớp nhật ký'), ('status', 'Trạng thái hồ sơ không khớp nhật ký'), ('anchor', 'Không khớp mốc đối chiếu đã ký'), ('anchor_invalid', 'Mốc đối chiếu không hợp lệ')], max_length=20)),
                ('seq', models.PositiveIntegerField(blank=True, null=True)),
                ('reason', models.CharField(max_length=300)),
                ('dossier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflows.dossier')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='findings', to='workflows.auditrun')),
            ],
            options={
                'verbose_name': 'phát hiện khi kiểm tra nhật ký',
                'verbose_name_plural': 'phát hiện khi kiểm tra nhật ký',
                'ordering': ['run', 'id'],
                'indexes': [models.Index(fields=['run', 'unit_path'], name='auditfinding_run_path')],
            },
        ),
    ]
