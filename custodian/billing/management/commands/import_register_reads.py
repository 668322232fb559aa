"""Import a file of register reads: `manage.py import_register_reads FILE --by USER`. Every row is checked;
a file with a bad row stores nothing and its problems are printed, each with its row and column. Safe to
re-run: reads already stored are counted and left."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from custodian.billing.read_import import ImportFileError, register_reads_import
from custodian.billing.register_reads import ReadError
from custodian.staff.commands import by_argument, command_file, command_staff


class Command(BaseCommand):
    help = (
        "Import a CSV file of register reads "
        "(meter,read_on,index[,kind,dials,old_meter_final,new_meter_start]): all stored, or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        by_argument(parser, "the member of staff who imports (field services, customer service)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file, by, no_progress=False, **options):
        staff = command_staff(by)
        path = command_file(file)
        data = path.read_bytes()
        lines = max(data.count(b"\n") - 1, 0)
        with tqdm(total=lines, unit="read", disable=no_progress, file=self.stderr) as bar:
            try:
                report = register_reads_import(data=data, file_name=path.name, by=staff, progress=bar.update)
            except (ImportFileError, ReadError) as exc:
                raise CommandError(f"{path.name}: {exc}; nothing stored") from None
        for problem in report.problems:
            self.stderr.write(str(problem))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
