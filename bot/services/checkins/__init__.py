"""Gentle check-ins: a member's plan, its schedule, maatjes, the ladder when nobody answers."""
