"""Expense reports: receipts read by OCR, trips measured from typed addresses, the French
fiscal mileage scale, and the employee's confirmation before anything is saved."""
