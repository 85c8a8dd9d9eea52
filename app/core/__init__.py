"""Shared infrastructure: the clock, column types, audit log, access control, email."""
