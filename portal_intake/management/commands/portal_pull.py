"""python manage.py portal_pull: receive the online dossiers queued on the national portal once
(what the beat runs every few minutes; portal_intake.pull)."""
from django.core.management.base import BaseCommand

from portal_intake.pull import pull_new_dossiers


class Command(BaseCommand):
    help = "Tiếp nhận hồ sơ trực tuyến mới từ Cổng Dịch vụ công quốc gia (một lượt)."

    def handle(self, *args, **options):
        summary = pull_new_dossiers()
        if summary.skipped:
            self.stdout.write("PORTAL_URL is empty: the province is not linked to the portal.")
            return
        self.stdout.write(", ".join(f"{key}={value}" for key, value in summary.as_dict().items()))
        if summary.unavailable:
            self.stderr.write("the portal did not answer: the next pull resumes from the same cursor")
