"""Bank connection through Bridge: the customer's one Bridge user, managed from the console."""
