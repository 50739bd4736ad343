"""The translation catalogs, installed as the package `bot.locales` (pyproject.toml maps this folder).

Being a package is what lets `importlib.resources` find the catalogs in every kind of install (bot/i18n.py);
in an editable install setuptools only maps a folder that has this file. The catalogs are the data:
`<lang>/LC_MESSAGES/buurtbot.po`.
"""
