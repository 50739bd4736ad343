"""Neighbour help: offers, requests, matching with a helper, talking through the bot, what is due."""
