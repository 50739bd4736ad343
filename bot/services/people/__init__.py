"""People: who talks to the bot, joining a buurt, their own settings and data, who may do what."""
