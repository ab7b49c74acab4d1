"""The client tests that hold for both clients, written once for AsyncKimonoClient."""
