"""The checks every edition keeps (annotated_reader.testing), on this book:
strict build, verbatim sources, raw text in its capture, every source in the
bibliography and the toctree, verified quotations, no page content that can
run code. A reader made with `annotated-reader new` runs the same module."""

from annotated_reader.testing.invariants import *  # noqa: F403
