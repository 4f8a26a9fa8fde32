"""Composition of the site: pages that bring several apps together. Lower layers never import from here."""
