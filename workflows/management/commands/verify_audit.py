"""Verify every dossier's audit trail (the nightly task's first half, on demand or from cron).

Exit status 1 when anything is broken, so cron or a monitoring check notices; the run and its
findings are stored either way (the oversight screen "Kiểm tra nhật ký" shows them).
"""
import gzip
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows import audit

SHOWN = 50  # findings printed; all of them are counted, the first audit.MAX_STORED_FINDINGS stored


class Command(BaseCommand):
    help = "Verify every dossier's audit trail: hash chains, chain heads, statuses, and the latest signed anchor."

    def add_arguments(self, parser):
        parser.add_argument("--anchor", action="store_true",
                            help="Then anchor today's chain heads (what the nightly task does).")
        parser.add_argument("--export", metavar="DIR",
                            help="Then write the latest anchor to DIR (write-once storage), never overwriting.")
        parser.add_argument("--chunk-size", type=int, default=audit.CHUNK_SIZE,
                            help=f"Dossiers read per chunk (default {audit.CHUNK_SIZE}).")

    def handle(self, *args, **options):
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        run = audit.verify_all(chunk_size=options["chunk_size"])
        self.stdout.write(f"run {run.pk}: {run.checked} dossiers, {run.events_checked} events, "
                          f"{run.finding_count} findings")
        for finding in run.findings.order_by("id")[:SHOWN]:
            seq = f" #{finding.seq}" if finding.seq else ""
            self.stdout.write(f"  {finding.code or '-'}{seq} [{finding.kind}] {finding.reason}")
        if run.finding_count > SHOWN:
            self.stdout.write(f"  … {run.finding_count - SHOWN} more (see the oversight screen or the admin)")
        if options["anchor"]:
            anchor = audit.take_anchor(carry_from=run)
            self.stdout.write(f"anchor {anchor.pk}: {anchor.dossier_count} heads, digest {anchor.digest}")
        if options["export"]:
            self._export(Path(options["export"]))
        if run.finding_count:
            raise CommandError(f"the audit trail is broken: {run.finding_count} findings (run {run.pk})")

    def _export(self, folder: Path):
        anchor = audit.latest_anchor()
        if anchor is None:
            raise CommandError("no anchor to export: run with --anchor first.")
        path = folder / f"audit-anchor-{anchor.day:%Y%m%d}-{anchor.pk}.txt.gz"
        try:
            with gzip.open(path, "xb") as out:  # "x": an exported anchor is never rewritten
                audit.export_anchor(anchor, out)
        except FileExistsError:
            self.stdout.write(f"{path} exists already")
            return
        except OSError as exc:
            raise CommandError(f"cannot export the anchor to {path}: {exc}") from exc
        self.stdout.write(f"exported {path}")
