"""Reads of the directory and its accounts that span relations."""
