"""English for the whole UI (Django i18n): the catalog is complete, compiled, and actually used.

Source strings are Vietnamese; locale/en/LC_MESSAGES/django.po holds the English. The catalog is read
with a small parser here (no polib) so the checks run without gettext tools installed.
"""
import ast
import gettext as gnu_gettext
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

from workflows import errors

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"
SOURCE_DIRS = ("onestop", "workflows", "procedures", "notifications", "demo", "reporting", "documents",
               "digitisation")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-z_]*\}|<[^>]+>")


def read_po(path=PO):
    """The catalog's entries (header excluded) as dicts: msgid, msgid_plural, msgstr (list), flags."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry and entry["msgid"] is not None and not entry["obsolete"]:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry or {"msgid": None, "msgid_plural": None, "msgstr": [], "flags": set(), "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                field = "msgstr"
                entry["msgstr"].append(value)
            else:
                field = keyword
                entry[keyword] = value
    return [e for e in entries if e["msgid"] != ""]


GETTEXT_FUNCTIONS = {"gettext": 0, "gettext_lazy": 0, "gettext_noop": 0, "pgettext": 1, "pgettext_lazy": 1}


def gettext_names(tree):
    """Local names of Django's gettext functions in a module → position of the msgid argument.

    Includes aliases (`gettext_lazy as _l`): makemessages only knows `_` and the real names, so an
    aliased string never reaches the catalog unless it is also marked elsewhere.
    """
    names = {"_": 0}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in GETTEXT_FUNCTIONS:
                    names[alias.asname or alias.name] = GETTEXT_FUNCTIONS[alias.name]
    return names


def source_msgids():
    """Literal msgids in the code: _()/gettext*() calls, {% translate %}, _("…") in templates, blocktranslate."""
    found = {}
    root = Path(settings.BASE_DIR)
    for folder in SOURCE_DIRS:
        for path in (root / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = gettext_names(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
                    position = names[node.func.id]
                    if len(node.args) > position and isinstance(node.args[position], ast.Constant) \
                            and isinstance(node.args[position].value, str):
                        found.setdefault(node.args[position].value, str(path.relative_to(root)))
        for path in (root / folder).rglob("templates/**/*.html"):
            text = path.read_text(encoding="utf-8")
            where = str(path.relative_to(root))
            for match in re.finditer(r"""{%\s*(?:translate|trans)\s+(["'])(.*?)\1""", text):
                found.setdefault(match.group(2).replace("%", "%%"), where)
            for match in re.finditer(r"""_\((["'])(.*?)\1\)""", text):
                found.setdefault(match.group(2).replace("%", "%%"), where)
            for match in re.finditer(r"{%\s*blocktrans(?:late)?\b([^%]*)%}(.*?){%\s*endblocktrans(?:late)?\s*%}",
                                     text, re.S):
                options, body = match.groups()
                if "count" in options.split() or "{% plural %}" in body:
                    continue
                body = body.replace("%", "%%")
                body = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body)
                if "trimmed" in options.split():
                    body = " ".join(line.strip() for line in body.splitlines() if line.strip())
                found.setdefault(body, where)
    return found


@pytest.fixture(scope="module")
def catalog():
    return read_po()


def test_the_catalog_has_no_untranslated_or_fuzzy_entries(catalog):
    assert len(catalog) > 500, "the English catalog looks truncated"
    untranslated = [e["msgid"] for e in catalog if not e["msgstr"] or not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in catalog if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_every_translation_keeps_the_placeholders_and_html_of_its_source(catalog):
    broken = [(e["msgid"], s) for e in catalog for s in e["msgstr"]
              if sorted(PLACEHOLDER.findall(e["msgid"])) != sorted(PLACEHOLDER.findall(s))]
    assert broken == []


def test_the_compiled_catalog_matches_the_po_file(catalog):
    """django.mo is committed (no msgfmt at run time); it must say exactly what the .po says."""
    with MO.open("rb") as fh:
        compiled = gnu_gettext.GNUTranslations(fh)
    stale = [e["msgid"] for e in catalog
             if e["msgid_plural"] is None and compiled.gettext(e["msgid"]) != e["msgstr"][0]]
    assert stale == [], "run: python manage.py compilemessages -l en"


def test_every_string_marked_for_translation_in_the_code_is_in_the_catalog(catalog):
    known = {e["msgid"] for e in catalog}
    missing = {msgid: where for msgid, where in source_msgids().items() if msgid not in known}
    assert missing == {}, "run `make messages`, translate the new entries, then compilemessages (docs/i18n.md)"


@pytest.mark.parametrize("error_class", [errors.DomainError, *errors.DomainError.__subclasses__()])
def test_a_domain_error_message_reads_in_english_under_the_english_locale(error_class):
    with translation.override("vi"):
        vietnamese = str(error_class().message)
    with translation.override("en"):
        english = str(error_class().message)
    assert english != vietnamese
    assert english.isascii()


def test_the_invalid_input_error_says_so_in_english():
    with translation.override("en"):
        assert str(errors.InvalidInput().message) == "Invalid input."
    with translation.override("vi"):
        assert str(errors.InvalidInput().message) == "Dữ liệu không hợp lệ."


def page_text(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_the_login_page_is_in_vietnamese_by_default(client):
    text = page_text(client.get("/login/"))
    assert '<html lang="vi">' in text
    assert "Đăng nhập" in text and "Mật khẩu" in text
    assert "Log in" not in text


@pytest.mark.django_db
def test_the_login_page_is_in_english_for_a_browser_that_asks_for_english(client):
    text = page_text(client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
    assert '<html lang="en">' in text
    assert "<h1>Log in</h1>" in text and "Username" in text and "Password" in text
    assert "Mật khẩu" not in text


@pytest.mark.django_db
def test_a_visitor_who_chooses_english_keeps_it_on_the_next_pages(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    text = page_text(client.get("/login/"))
    assert "<h1>Log in</h1>" in text
    client.post("/i18n/setlang/", {"language": "vi", "next": "/login/"})
    assert "<h1>Đăng nhập</h1>" in page_text(client.get("/login/"))


def test_a_clerk_sees_the_counter_screen_in_english(client, world):
    client.force_login(world.clerk)
    text = page_text(client.get("/counter/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "<h1>One-stop counter — today's dossiers</h1>" in text
    assert "Log out" in text
    assert "Quầy một cửa — hồ sơ trong ngày" not in text


def test_a_clerk_sees_the_counter_screen_in_vietnamese_by_default(client, world):
    client.force_login(world.clerk)
    text = page_text(client.get("/counter/"))
    assert "<h1>Quầy một cửa — hồ sơ trong ngày</h1>" in text


# Marked with an aliased gettext (`gettext_lazy as _lazy` / `as _l`), which makemessages cannot see: listing
# them here puts them in the catalog. Drop an entry once its module marks it with `_` (docs/i18n.md).
ALIASED_IN_CODE = [
    gettext_noop("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),  # onestop/screens/views.py FORM_LABELS
    gettext_noop("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    gettext_noop("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    gettext_noop("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    gettext_noop("Mã thủ tục"),  # onestop/oversight/views.py export headers
    gettext_noop("Quá hạn (giờ)"),
    gettext_noop("Chậm (giờ)"),
]


def test_the_form_labels_and_export_headers_read_in_english():
    from onestop.oversight.views import DOSSIER_HEADER, TASK_HEADER
    from onestop.screens.views import FORM_LABELS

    labels = [*FORM_LABELS.values(), *DOSSIER_HEADER, *TASK_HEADER]
    with translation.override("en"):
        english = [str(label) for label in labels]
    assert [text for text in english if not text.isascii()] == []
    assert "Processing control slip" in english
