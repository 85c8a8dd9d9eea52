"""Operators' commands: `flask setup` and `flask users`."""
