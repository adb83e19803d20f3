"""Plannings and appointments of the ERP kept in the employees' Outlook calendars."""
