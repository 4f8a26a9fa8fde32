"""The site's own pages: public (home, legal pages, district hub) and workspace (start page)."""
