"""The legal documents now belong to the legal app, which keeps their tables: only Django's state forgets them here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0002_imported_document'),
        ('plans', '0006_legal_bases_from_legal_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='historicallegaldocument',
                    name='history_user',
                ),
                migrations.DeleteModel(
                    name='LegalDocument',
                ),
                migrations.DeleteModel(
                    name='HistoricalLegalDocument',
                ),
            ],
            database_operations=[],
        ),
    ]
