"""The client: the two clients end to end, auth, retries, errors, logging, paging, transports."""
