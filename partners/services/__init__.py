"""Writes of partner accounts, each in its own transaction, and the emails they send."""
