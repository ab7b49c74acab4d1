"""The contract: the specs, the code generated from them, the templates, drift and cassettes."""
