"""What differs between the Sphinx releases the extension supports (8.0 to 9.x)."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def sphinx_app(env: BuildEnvironment) -> Sphinx:
    """The application, for the builder and tags of the current build: Sphinx 9
    deprecates ``env.app`` and keeps it as ``env._app``; Sphinx 8 has only ``env.app``."""
    app: Sphinx = env._app if hasattr(env, "_app") else env.app
    return app
