"""The resources of the clients: the requests each method sends and what it parses."""
