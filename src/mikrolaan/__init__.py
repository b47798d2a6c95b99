"""Mikrolån: case and loan system for municipal microloan programmes."""
