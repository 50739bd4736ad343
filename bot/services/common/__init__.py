"""What every feature's rules share: conversation state, checked text, daytime, audit log, history, news."""
