"""DJPK's reference data: consultation topics, rooms and resource persons (narasumber)."""
