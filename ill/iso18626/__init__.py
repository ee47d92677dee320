"""ISO 18626 (version 1.2) messages in and out: read and validate, build, send; independent of the app's models."""
