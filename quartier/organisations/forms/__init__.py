"""The forms of this app: public.py for the public pages, workspace.py for the workspace."""
