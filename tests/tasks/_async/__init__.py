"""The consumer tests that hold for both consumers, written once for the async one."""
