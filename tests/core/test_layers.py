"""The house's layers (docs/decisions/0011), lowest first: core, then the rooms in the order of
quartier/site/rooms.py (places < accounts < organisations < events < offers < suggestions < funding), then site. A module imports its own app and lower layers only, and imports project
modules at the top of the module, never inside a function, a class body or an if-block (where an import would
hide a cycle or an upward dependency until the code runs). The few exceptions are listed below, each with its
reason.

Read from the source with `ast`, so a violation is found without importing anything."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from quartier.site.rooms import ROOMS

PACKAGE = Path(__file__).resolve().parents[2] / "quartier"

LAYERS = ("core", *(room.removeprefix("quartier.") for room in ROOMS), "site")
RANK = {app: rank for rank, app in enumerate(LAYERS)} | {"formats": 0}  # formats: data for core.formatting
# Modules directly under quartier/ (settings.py, wsgi.py): project configuration, above every app; they import
# the list of rooms and nothing else (everything else they name is a dotted string Django loads later).
PROJECT_IMPORTS = ("quartier.site.rooms",)

# Imports that sit inside a function, a class body or an if-block on purpose: (path, module, why).
READY = "AppConfig.ready() connects the receivers (the Django idiom)"
REGISTER = (
    "AppConfig.ready() registers the app's personal data once the models are loaded (apps.py comes first)"
)
SECTIONS = (
    "AppConfig.ready() registers the room's section of a lower room's page (the organisation page lists offers)"
    " once the models are loaded"
)
NESTED = [
    ("quartier/places/apps.py", "quartier.places.signals", READY),
    ("quartier/offers/apps.py", "quartier.offers.signals", READY),
    ("quartier/offers/apps.py", "quartier.organisations.sections", SECTIONS),
    ("quartier/offers/apps.py", "quartier.offers.selectors", SECTIONS),
    ("quartier/offers/apps.py", "quartier.offers.views.public", SECTIONS),
    ("quartier/organisations/apps.py", "quartier.organisations.signals", READY),
    ("quartier/suggestions/apps.py", "quartier.suggestions.signals", READY),
    ("quartier/suggestions/apps.py", "quartier.accounts.personal_data", REGISTER),
    ("quartier/suggestions/apps.py", "quartier.suggestions.personal_data", REGISTER),
    ("quartier/funding/apps.py", "quartier.accounts.personal_data", REGISTER),
    ("quartier/funding/apps.py", "quartier.funding.personal_data", REGISTER),
    (
        "quartier/accounts/emails.py",
        "quartier.accounts.models",
        "the models import emails.py for the keys they store (normal form, skeleton), so the two account "
        "lookups here reach User when called",
    ),
    (
        "quartier/accounts/twofactor_admin.py",
        "quartier.accounts.twofactor",
        "loaded as an app config from INSTALLED_APPS before the app registry is ready, so the admin site "
        "reaches the models only when called",
    ),
    (
        "quartier/events/views/public.py",
        "quartier.events.pdf",
        "pdf.py imports WeasyPrint, which takes seconds: only a request for the printed programme pays for it",
    ),
]
NESTED_ALLOWED = {(path, module): why for path, module, why in NESTED}

# Violations another change removes, as (path, module): each says which. Empty when the tree obeys the layers.
EXPECTED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    source_layer: str
    target_layer: str
    where: str = ""  # the enclosing function or block of a nested import

    def __str__(self) -> str:
        nested = f", inside {self.where}" if self.where else ""
        return (
            f"{self.path}:{self.line} imports {self.module} "
            f"(layer {self.source_layer} -> layer {self.target_layer}{nested})"
        )


def _module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> str:
    """The layer of a module under quartier/: its app, or "project" for the modules directly under it."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in RANK):
        return parts[1]
    return "project"


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, base: Path) -> list[str]:
    """The absolute modules an import statement reaches (relative imports resolved against `module`; a name
    imported from a package counts as that module when the package has it), `base` the folder above the package."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        parent = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
    else:
        parent = node.module or ""
    found = []
    for alias in node.names:
        candidate = base.joinpath(*parent.split("."), alias.name)
        is_module = candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file()
        found.append(f"{parent}.{alias.name}" if is_module else parent)
    return list(dict.fromkeys(found))


def _walk(tree: ast.Module):
    """Every import with the innermost function, class or block around it ("" at module level)."""
    stack: list[tuple[ast.AST, str]] = [(statement, "") for statement in reversed(tree.body)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, where
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = f"{node.name}()"
        elif isinstance(node, ast.ClassDef):
            inner = f"class {node.name}"
        elif isinstance(node, ast.stmt) and not where:
            inner = f"{type(node).__name__.lower()}-block at line {node.lineno}"
        else:
            inner = where
        stack.extend((child, inner) for child in reversed(list(ast.iter_child_nodes(node))))


def violations(root: Path, nested_allowed=NESTED_ALLOWED) -> list[Violation]:
    """Every import under the package `root` that breaks the layers or sits inside a function or block."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent)
        if "migrations" in relative.parts:
            continue
        module = _module_name(relative)
        source = _layer(module)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, where in _walk(tree):
            for target in _imported(node, module, path.name == "__init__.py", root.parent):
                if target != root.name and not target.startswith(root.name + "."):
                    continue
                target_layer = _layer(target)
                if source == "project":
                    upward = not any(target == ok or target.startswith(ok + ".") for ok in PROJECT_IMPORTS)
                else:
                    upward = target_layer != source and RANK.get(target_layer, len(LAYERS)) > RANK.get(
                        source, -1
                    )
                allowed_here = (relative.as_posix(), target) in nested_allowed
                if upward or (where and not allowed_here):
                    found.append(
                        Violation(relative.as_posix(), node.lineno, target, source, target_layer, where)
                    )
    return found


def test_every_module_keeps_to_its_layer():
    found = violations(PACKAGE)
    unexpected = [str(v) for v in found if (v.path, v.module) not in EXPECTED]
    assert not unexpected, "imports against the layers:\n" + "\n".join(unexpected)
    gone = sorted(set(EXPECTED) - {(v.path, v.module) for v in found})
    assert not gone, "no longer violations, remove them from EXPECTED:\n" + "\n".join(map(str, gone))


def test_every_allowed_nested_import_still_exists():
    """An allow-list entry whose import went away would quietly allow the next one at that place."""
    nested = {(v.path, v.module) for v in violations(PACKAGE, nested_allowed={}) if v.where}
    assert set(NESTED_ALLOWED) - nested == set()


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert apps - set(RANK) == set()


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "quartier" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "quartier"


def test_an_upward_and_a_nested_import_are_reported(tmp_path):
    package = _write(
        tmp_path,
        {
            "__init__.py": "",
            "settings.py": "from quartier.site.rooms import ROOMS\nfrom quartier.core import text\n",
            "places/__init__.py": "",
            "places/models.py": "from quartier.core.models import CityScoped\n",
            "places/selectors.py": (
                "from quartier.accounts.models import Role\n"
                "from .models import City\n"
                "\n"
                "def district_list(user):\n"
                "    from . import models\n"
                "    return models\n"
            ),
            "places/signals.py": "",
            "places/apps.py": "class PlacesConfig:\n    def ready(self):\n        from . import signals\n",
            "places/views/__init__.py": "",
            "places/views/public.py": "from ...events import selectors\nif True:\n    from ..models import City\n",
            "core/text.py": "",
            "places/migrations/0001_initial.py": "from quartier.accounts.models import User\n",
            "accounts/models.py": "from quartier.places.models import District\n",
            "funding/services.py": "from quartier.events.models import Event\n",
        },
    )
    reported = sorted(str(v) for v in violations(package))
    assert reported == [
        "quartier/places/selectors.py:1 imports quartier.accounts.models (layer places -> layer accounts)",
        "quartier/places/selectors.py:5 imports quartier.places.models (layer places -> layer places, inside "
        "district_list())",
        "quartier/places/views/public.py:1 imports quartier.events (layer places -> layer events)",
        "quartier/places/views/public.py:3 imports quartier.places.models (layer places -> layer places, inside "
        "if-block at line 2)",
        "quartier/settings.py:2 imports quartier.core.text (layer project -> layer core)",
    ]
