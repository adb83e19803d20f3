"""Mail: the outbox sent through Gmail or SMTP exactly once, and alerts mailed to the people
who subscribed to them."""
