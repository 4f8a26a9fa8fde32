"""The forms of funding advice: public.py for the request form, workspace.py for the coordinators' pages."""
