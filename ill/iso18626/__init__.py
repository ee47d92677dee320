"""ISO 18626 (version 1.2) messages in and out: read, validate, build and send, apart from the models."""
