"""The maintenance tools of scripts/: generate, unasync, the reliability suite."""
