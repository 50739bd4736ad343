"""Buurten, the postcodes they cover, and the invite codes that let people in."""
