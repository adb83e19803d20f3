"""Bank connection through Bridge (the seed's "Akuiteo Connect"): the one Bridge user, banks
and accounts, the intermediate table of transactions fetched exactly once, statements and
their files (CAMT.053, CFONB 120, OFX, JSON), the execution log."""
