"""The sandbox (kimono_interop.sandbox): the local server behaves like the service."""
