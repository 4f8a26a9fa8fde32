"""Every workspace view of accounts and organisations declares its permission with `requires` (readable as
`view.permission`), instead of checking by hand at its top."""

import pytest

from quartier.accounts.permissions import can_use_workspace, manages_people
from quartier.accounts.urls import workspace as accounts_workspace
from quartier.organisations import permissions as organisations
from quartier.organisations.urls import workspace as organisations_workspace

PATTERNS = {p.name: p for p in [*accounts_workspace.urlpatterns, *organisations_workspace.urlpatterns]}


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_workspace_view_declares_its_permission(name):
    permission = getattr(PATTERNS[name].callback, "permission", None)
    assert permission and can_use_workspace in permission, name


@pytest.mark.parametrize(
    ("name", "predicates"),
    [
        ("people", (can_use_workspace, manages_people)),
        ("person_deactivate", (can_use_workspace, manages_people)),
        ("audit_export", (can_use_workspace, manages_people)),
        ("two_factor_codes_renew", (can_use_workspace,)),
        ("organisation_create", (can_use_workspace, organisations.can_create_any)),
    ],
)
def test_the_declared_permission_is_the_right_one(name, predicates):
    assert PATTERNS[name].callback.permission == predicates
