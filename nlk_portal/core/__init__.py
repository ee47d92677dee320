"""The ground floor every app builds on: helpers that import Django and libraries, never an app."""
