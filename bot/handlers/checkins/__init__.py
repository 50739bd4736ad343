"""Check-ins, put into words: settings screens and the answers to a check-in."""
