from django.core.management.base import BaseCommand

from demo.province import demo_logins, format_logins


class Command(BaseCommand):
    help = "In danh sách tài khoản demo (print the demo logins)."

    def handle(self, *args, **options):
        self.stdout.write(format_logins(demo_logins()))
