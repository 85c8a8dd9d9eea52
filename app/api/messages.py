"""marshmallow's validation messages in the caller's language (Indonesian by default).

marshmallow writes its messages in English when a call is validated; the API's schemas hand
each one to translate() (app.api.schemas.ApiSchema.handle_error), which finds the English
template it was formatted from and formats the translated one with the same values, so that a
Pemda operator's tool shows "Wajib diisi." beside the field as the web form does.
"""

import re

from flask_babel import lazy_gettext as _l

TEMPLATES = (
    ("Missing data for required field.", _l("Wajib diisi.")),
    ("Field may not be null.", _l("Tidak boleh kosong (null).")),
    ("Invalid value.", _l("Nilai tidak valid.")),
    ("Not a valid integer.", _l("Harus berupa bilangan bulat.")),
    ("Not a valid string.", _l("Harus berupa teks.")),
    ("Not a valid boolean.", _l("Harus true atau false.")),
    ("Not a valid date.", _l("Harus berupa tanggal dengan format YYYY-MM-DD.")),
    ("Not a valid datetime.", _l("Harus berupa waktu RFC 3339, misalnya 2026-12-08T09:00:00+07:00.")),
    ("Not a valid list.", _l("Harus berupa daftar.")),
    ("Not a valid mapping type.", _l("Harus berupa objek JSON.")),
    ("Invalid input type.", _l("Jenis isian tidak valid.")),
    ("Not a valid email address.", _l("Format email tidak valid.")),
    ("Unknown field.", _l("Isian ini tidak dikenal.")),
    ("Not an aware datetime.", _l("Waktu harus menyebut zona waktu, misalnya +07:00.")),
    ("Must be one of: {choices}.", _l("Harus salah satu dari: {choices}.")),
    (
        "Must be greater than or equal to {min} and less than or equal to {max}.",
        _l("Harus antara {min} dan {max}."),
    ),
    ("Longer than maximum length {max}.", _l("Paling panjang {max} karakter.")),
)


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}$")


_COMPILED = [(_pattern(english), translated) for english, translated in TEMPLATES]


def translate(text: str) -> str:
    """`text` in the request's language, when it is one of marshmallow's messages."""
    for pattern, translated in _COMPILED:
        match = pattern.match(text)
        if match:
            return str(translated).format(**match.groupdict())
    return text
