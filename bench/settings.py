"""Settings for the HTTP benchmark: production settings plus a URLconf with a minimal baseline view."""

from quartier.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
