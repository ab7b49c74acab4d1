"""The version of kimono-interop (read by the build and by ``kimono_interop.__version__``)."""

__version__ = "0.1.0"
