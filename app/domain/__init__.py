"""Pure domain logic: no Flask, no database. Callers pass `now` and the data in."""
