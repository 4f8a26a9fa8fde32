"""One vocabulary of target groups: events and offers keep their own values (stored data and API unchanged) and
share the labels of the groups they have in common."""

from quartier.core.target_groups import LABELS
from quartier.events.models import Event
from quartier.offers.models import TargetGroup


def test_each_app_keeps_its_values_in_order():
    assert Event.TargetGroup.values == [
        "everyone",
        "newcomers",
        "families",
        "children",
        "youth",
        "women",
        "seniors",
        "volunteers",
        "professionals",
    ]
    assert TargetGroup.values == [
        "everyone",
        "newcomers",
        "refugees",
        "families",
        "parents",
        "children",
        "youth",
        "young_adults",
        "women",
        "men",
        "seniors",
    ]
    assert TargetGroup.WOMEN == "women" and Event.TargetGroup.VOLUNTEERS == "volunteers"


def test_shared_groups_have_one_label():
    shared = set(Event.TargetGroup.values) & set(TargetGroup.values)
    assert shared == {"everyone", "newcomers", "families", "children", "youth", "women", "seniors"}
    for value in shared:
        assert str(Event.TargetGroup(value).label) == str(TargetGroup(value).label) == str(LABELS[value])
    assert str(TargetGroup("everyone").label) == "alle" and str(Event.TargetGroup("seniors").label) == (
        "Seniorinnen und Senioren"
    )


def test_the_api_names_the_two_enumerations_apart():
    assert Event.TargetGroup.__name__ == "EventTargetGroup" and TargetGroup.__name__ == "OfferTargetGroup"
