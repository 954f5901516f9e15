"""Strict build, verbatim sources, raw text in its capture, every source in the
bibliography and the toctree, verified quotations, no page content that can
run code: the checks every edition keeps, whatever its sources."""

from annotated_reader.testing.invariants import *  # noqa: F403
