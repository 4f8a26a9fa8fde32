"""API for suggestions: the public submission, the writer's status by secret token, the published answers
(public.py), and the coordinators' inbox (inbox.py, browser session with CSRF).

Decisions (see also decision 0004):
- The submission body refuses unknown fields (422): a misspelt "neighborhood" would otherwise silently file a
  suggestion for the whole city. Strings are strict (no numbers as text), `consent` must be the JSON literal
  `true`, and no string may contain NUL characters. Errors of the schema are located as ninja does
  (["body", "payload", field]); errors found after it (unknown neighbourhood, the service's rules) as
  ["body", field]. The field name is always the last element of `loc`.
- Every answer goes through its declared schema (schemas.py), named after the suggestion so that no name
  collides with another room's.
"""

from .inbox import inbox_router
from .public import router

routers = [router, inbox_router]  # composed into /api/v1/ by quartier/site/api.py
