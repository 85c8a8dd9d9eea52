"""Every user-facing text has its English translation, and English is one switch away."""

from pathlib import Path

from babel.messages.frontend import CommandLineInterface  # noqa: F401  (babel is installed)
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _extracted_msgids() -> set[str]:
    from babel.messages.extract import extract_from_dir

    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_message_has_an_english_translation():
    with open(CATALOG, "rb") as fh:
        catalog = read_po(fh)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string and not m.fuzzy
    }
    missing = sorted(_extracted_msgids() - translated)
    assert missing == [], f"{len(missing)} texts without English translation, e.g. {missing[:5]}"


def test_pages_switch_to_english(client):
    assert "Masuk" in client.get("/masuk").get_data(as_text=True)
    client.post("/bahasa/en", data={"next": "/masuk"})
    page = client.get("/masuk").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Log in" in page


def test_language_switch_refuses_offsite_redirect(client):
    response = client.post("/bahasa/en", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
