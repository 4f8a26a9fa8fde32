"""The forms of suggestions: public.py for the residents' form, workspace.py for the inbox."""
