"""The register of legal documents, taken over from ``documents`` with its tables (created by documents.0001): state only."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('documents', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalLegalDocument',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('kind', models.CharField(choices=[('law', 'Law'), ('resolution', 'Resolution'), ('decree', 'Decree'), ('decision', 'Decision'), ('circular', 'Circular'), ('directive', 'Directive'), ('plan', 'Plan'), ('programme', 'Programme'), ('official_letter', 'Official letter'), ('conclusion', 'Conclusion'), ('report', 'Report'), ('other', 'Other document')], default='other', max_length=20, verbose_name='kind')),
                        ('number', models.CharField(blank=True, max_length=80, verbose_name='number and symbol')),
                        ('number_key', models.CharField(db_index=True, editable=False, max_length=80)),
                        ('issue_date', models.DateField(blank=True, null=True, verbose_name='issue date')),
                        ('issue_year', models.PositiveSmallIntegerField(default=0, editable=False)),
                        ('issuer', models.CharField(blank=True, max_length=255, verbose_name='issuer')),
                        ('subject', models.TextField(blank=True, verbose_name='subject')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical legal document',
                        'verbose_name_plural': 'historical legal documents',
                        'db_table': 'documents_historicallegaldocument',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='LegalDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('kind', models.CharField(choices=[('law', 'Law'), ('resolution', 'Resolution'), ('decree', 'Decree'), ('decision', 'Decision'), ('circular', 'Circular'), ('directive', 'Directive'), ('plan', 'Plan'), ('programme', 'Programme'), ('official_letter', 'Official letter'), ('conclusion', 'Conclusion'), ('report', 'Report'), ('other', 'Other document')], default='other', max_length=20, verbose_name='kind')),
                        ('number', models.CharField(blank=True, max_length=80, verbose_name='number and symbol')),
                        ('number_key', models.CharField(db_index=True, editable=False, max_length=80)),
                        ('issue_date', models.DateField(blank=True, null=True, verbose_name='issue date')),
                        ('issue_year', models.PositiveSmallIntegerField(default=0, editable=False)),
                        ('issuer', models.CharField(blank=True, max_length=255, verbose_name='issuer')),
                        ('subject', models.TextField(blank=True, verbose_name='subject')),
                    ],
                    options={
                        'verbose_name': 'legal document',
                        'verbose_name_plural': 'legal documents',
                        'db_table': 'documents_legaldocument',
                        'ordering': ['-issue_date', 'number'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('number_key', ''), _negated=True), fields=('number_key', 'issue_year'), name='legaldocument_number_unique_per_year')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
