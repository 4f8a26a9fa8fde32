"""The places' forms: forms/public.py for the public pages, forms/workspace.py for the workspace."""
