"""Joining, the menu, language, settings and one's own data, put into words."""
