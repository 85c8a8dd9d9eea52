"""Text typed into a search box, as a LIKE pattern: % and _ (and the escape character itself)
match literally. Use with `column.ilike(contains(text), escape=ESCAPE)`."""

ESCAPE = "\\"


def contains(text: str) -> str:
    """ "50%_a" -> "%50\\%\\_a%": a pattern for values containing `text` as typed."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"
