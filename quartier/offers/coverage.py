"""The coverage matrix of offers: Stadtteil × category, for coordinators and central steering.

Counting rule: a visible offer (selectors.visible) counts once in each Stadtteil it is assigned to, so an offer in
two Stadtteile adds 1 to both cells. Offers for the whole city (`citywide`) are not counted in any Stadtteil cell;
they form a row of their own ("ganze Stadt"). Row totals are the sum of a Stadtteil's cells (the offers there,
each once, since an offer has one category); column totals are the sum of the Stadtteil rows shown (so an offer
in two shown Stadtteile counts twice there, too) and do not include the citywide row.

Per 1,000 inhabitants: count / population × 1,000 where the Stadtteil's population is known; None where it is
missing (never estimated). A column's per-1,000 value relates the counts of the shown Stadtteile *with*
population data to their summed population; None when none of them has data.

Queries: categories, Stadtteile, and two aggregates (GROUP BY Stadtteil, category over the offer↔Stadtteil table;
GROUP BY category for the citywide offers), whatever the number of offers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from quartier.places.models import District, Neighbourhood

from .models import OfferCategory
from .selectors import json_array_has, visible


def per_1000(count: int, population: int | None) -> float | None:
    if not population:
        return None
    return count * 1000 / population


@dataclass
class CoverageRow:
    neighbourhood: Neighbourhood
    district: District
    population: int | None
    counts: list[int]  # one per column, in column order

    @property
    def rates(self) -> list[float | None]:
        return [per_1000(n, self.population) for n in self.counts]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def total_rate(self) -> float | None:
        return per_1000(self.total, self.population)

    @property
    def cells(self) -> list[tuple[int, float | None]]:
        return list(zip(self.counts, self.rates, strict=True))


@dataclass
class CoverageDistrict:
    district: District
    rows: list[CoverageRow]


@dataclass
class CategoryGap:
    category: OfferCategory
    without: list[Neighbourhood]  # the shown Stadtteile with no offer of this category
    of: int  # number of shown Stadtteile
    citywide: int  # offers of this category for the whole city


@dataclass
class Coverage:
    categories: list[OfferCategory]
    rows: list[CoverageRow]
    citywide: list[int]  # per column: offers for the whole city
    filters: dict = field(default_factory=dict)

    @property
    def districts(self) -> list[CoverageDistrict]:
        groups: list[CoverageDistrict] = []
        for row in self.rows:
            if not groups or groups[-1].district.pk != row.district.pk:
                groups.append(CoverageDistrict(row.district, []))
            groups[-1].rows.append(row)
        return groups

    @property
    def column_totals(self) -> list[int]:
        return [sum(row.counts[i] for row in self.rows) for i in range(len(self.categories))]

    @property
    def population(self) -> int | None:
        """The summed population of the shown Stadtteile with data (None when none has data)."""
        known = [row.population for row in self.rows if row.population]
        return sum(known) if known else None

    @property
    def population_complete(self) -> bool:
        return all(row.population for row in self.rows)

    @property
    def column_rates(self) -> list[float | None]:
        with_data = [row for row in self.rows if row.population]
        population = sum(row.population for row in with_data)
        return [
            per_1000(sum(row.counts[i] for row in with_data), population) for i in range(len(self.categories))
        ]

    @property
    def totals(self) -> list[tuple[int, float | None]]:
        """Column totals with their per-1,000 values, for the table's last row."""
        return list(zip(self.column_totals, self.column_rates, strict=True))

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def total_rate(self) -> float | None:
        with_data = [row for row in self.rows if row.population]
        return per_1000(sum(row.total for row in with_data), sum(row.population for row in with_data))

    @property
    def citywide_total(self) -> int:
        return sum(self.citywide)

    def gaps(self) -> list[tuple[Neighbourhood, OfferCategory]]:
        """Cells without any offer, row by row."""
        return [
            (row.neighbourhood, category)
            for row in self.rows
            for category, n in zip(self.categories, row.counts, strict=True)
            if n == 0
        ]

    def category_gaps(self) -> list[CategoryGap]:
        """Per category: the Stadtteile without an offer ("wo gibt es kein Sprachcafé?")."""
        return [
            CategoryGap(
                category=category,
                without=[row.neighbourhood for row in self.rows if row.counts[i] == 0],
                of=len(self.rows),
                citywide=self.citywide[i],
            )
            for i, category in enumerate(self.categories)
        ]


def coverage(
    city,
    *,
    target_group: str | None = None,
    language: str | None = None,
    district_ids: Iterable[int] | None = None,
    now=None,
) -> Coverage:
    """The matrix Stadtteil × active category of the visible offers in `city` (counting rule: module docstring).

    `target_group` and `language` keep offers whose lists hold that value; `district_ids` (None: all) limits the
    rows to those districts' Stadtteile. Rows in official order (district ordinal, Stadtteil number, name),
    columns in category order (ordinal, name). Four queries, independent of the number of offers.
    """
    categories = list(
        OfferCategory.objects.filter(city=city, is_active=True).order_by("ordinal", "name", "pk")
    )
    neighbourhoods = (
        Neighbourhood.objects.filter(city=city)
        .select_related("district")
        .only(
            "pk",
            "name",
            "slug",
            "number",
            "population",
            "population_date",
            "district__id",
            "district__number",
            "district__name",
            "district__ordinal",
        )
        .order_by("district__ordinal", "number", "name", "pk")
    )
    if district_ids is not None:
        neighbourhoods = neighbourhoods.filter(district_id__in=list(district_ids))
    neighbourhoods = list(neighbourhoods)

    offers = visible(city, now=now).filter(category_id__in=[c.pk for c in categories])
    if target_group:
        offers = json_array_has(offers, "target_groups", target_group)
    if language:
        offers = json_array_has(offers, "languages", language)

    # GROUP BY Stadtteil, category over the offer↔Stadtteil table (joined from the offers, so that the filters
    # above, json_each on SQLite included, apply to the outer query's own table).
    cells: dict[tuple[int, int], int] = {}
    local = (
        offers.filter(citywide=False, neighbourhoods__isnull=False)
        .order_by()
        .values_list("neighbourhoods", "category_id")
        .annotate(n=Count("pk"))
    )
    for neighbourhood_id, category_id, n in local:
        cells[(neighbourhood_id, category_id)] = n
    whole_city = dict(
        offers.filter(citywide=True).order_by().values_list("category_id").annotate(n=Count("pk"))
    )

    rows = [
        CoverageRow(
            neighbourhood=nb,
            district=nb.district,
            population=nb.population,
            counts=[cells.get((nb.pk, c.pk), 0) for c in categories],
        )
        for nb in neighbourhoods
    ]
    return Coverage(
        categories=categories,
        rows=rows,
        citywide=[whole_city.get(c.pk, 0) for c in categories],
        filters={"target_group": target_group, "language": language, "district_ids": district_ids},
    )
