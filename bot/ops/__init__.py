"""Running Buurtbot as a service: the HTTP side door (health, readiness, metrics, the webhook's path),
what the runtime knows about its own loops, and the watchdog that tells the operators when work stops."""
