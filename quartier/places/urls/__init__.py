"""URL patterns of this app; the site (quartier/site/urls.py) composes them into the public and workspace URLconfs."""
