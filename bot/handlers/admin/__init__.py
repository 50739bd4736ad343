"""Coordinators' and operators' commands, each checked against the caller's role for that buurt."""
