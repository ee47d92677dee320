"""ISO 18626 (version 1.2): messages as values, read, validated, built and sent; their mapping to ILL requests; the endpoint."""
