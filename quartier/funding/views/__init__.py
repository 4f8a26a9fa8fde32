"""Views of funding advice; the public pages are in `public`."""
