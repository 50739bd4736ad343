"""Offering and asking for help, the buttons around a request, and talking through the bot."""
