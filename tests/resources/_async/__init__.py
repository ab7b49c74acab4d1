"""The resource tests, written once for the async client; _sync/ holds their twins."""
