"""The full-text index: an FTS5 table on SQLite, a GIN index on the search vector on PostgreSQL.

Each statement runs only on its database (``VendorSQL``); the services keep the index (pmo.documents.search).
"""

from django.db import migrations


class VendorSQL(migrations.RunSQL):
    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        VendorSQL(
            "sqlite",
            [
                "CREATE VIRTUAL TABLE documents_fts USING fts5("
                "title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
                # a document removed by any path (also a cascade) leaves no row in the index
                "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents_document "
                "BEGIN DELETE FROM documents_fts WHERE rowid = old.id; END",
            ],
            ["DROP TRIGGER IF EXISTS documents_fts_delete", "DROP TABLE IF EXISTS documents_fts"],
        ),
        VendorSQL(
            "postgresql",
            "CREATE INDEX documents_document_search ON documents_document USING gin (search_vector)",
            "DROP INDEX IF EXISTS documents_document_search",
        ),
    ]
