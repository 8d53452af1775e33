"""`manage.py export_catalog FILE`: the catalog as CSV in the import format ("-" for stdout)."""
from django.core.management.base import BaseCommand

from procedures import catalog_io


class Command(BaseCommand):
    help = "Export the procedure catalog as CSV (the columns import_catalog reads)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file to write, or - for standard output")

    def handle(self, *args, file, **options):
        count = catalog_io.export_csv(self.stdout if file == "-" else file)
        if file != "-":
            self.stdout.write(self.style.SUCCESS(f"{count} procedures written to {file}"))
