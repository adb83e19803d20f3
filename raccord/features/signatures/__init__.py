"""Quotes and delivery notes sent to be signed through Universign, followed to the signed copy."""
