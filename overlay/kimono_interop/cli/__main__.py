"""``python -m kimono_interop.cli``: the same as the ``kimono-interop`` console script."""

from . import main

main()
