"""The forms of this app: account.py for the pages under /konto/, workspace.py for the workspace."""
