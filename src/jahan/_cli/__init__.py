"""Command groups of the ``jahan`` command line; each module exposes ``register(app)``."""
