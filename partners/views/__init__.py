"""The directory's public pages and the account pages."""
