"""Buurtbot: neighbour help for Dutch buurten, on Telegram."""

__version__ = "0.1.0"
