"""The ``kimono-interop`` command line (kimono_interop.cli)."""
