"""How messages cross the wire: the durable inbox and outbox, rate limits, retries."""
