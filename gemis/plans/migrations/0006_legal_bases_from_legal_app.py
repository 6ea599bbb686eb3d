"""Plans cite documents of the legal app; the tables are unchanged, so only Django's state moves."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('legal', '0001_initial'),
        ('plans', '0005_history_of_progress_evidence_links'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='historicalplan_legal_bases',
                    name='legaldocument',
                    field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='legal.legaldocument'),
                ),
                migrations.AlterField(
                    model_name='plan',
                    name='legal_bases',
                    field=models.ManyToManyField(blank=True, related_name='cited_by_plans', to='legal.legaldocument', verbose_name='legal bases'),
                ),
            ],
            database_operations=[],
        ),
    ]
