"""Imports run one way (DESIGN.md, Layout): every module's imports, those inside functions included.

The floors, lowest first: nlk_portal.core; nlk_portal.outbox; partners; ill; exchange; the project
package's own modules (urls, views, settings, celery). Inside an app: vocabulary and pure rules, then
models, selectors, services, and the entry points (tasks, admin, views, forms, urls, commands) on top.
ill.iso18626 is the ISO 18626 message layer (values in, XML out and back), so it sits with the pure rules
and imports nothing of ours but the ground floor, the vocabulary, the pure rules and itself; its endpoint
view is an entry point, in ill.views.
exchange.reports (the manager reports) reads and renders: its figures, listings and files sit with the
selectors, so that the monthly email (a service) builds them; its views are entry points.
A module may import its own floor or a lower one, never a higher one, and no import may close a cycle.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("nlk_portal", "partners", "ill", "exchange")

# The project's floors, lowest first: a module is on the floor of the longest prefix that names it.
PROJECT_FLOORS = [
    ("nlk_portal.core",),
    ("nlk_portal.outbox",),
    ("partners",),
    ("ill",),
    ("exchange",),
    ("nlk_portal",),
]
# Inside an app, lowest first; a module on none of these is an entry point (the top floor).
APP_FLOORS = [
    ("choices", "status", "rules", "iso18626"),
    ("models",),
    ("selectors",),
    ("services",),
]
# What the ISO 18626 message package may import of ours: the ground floor, ILL's vocabulary and pure rules,
# and itself. Not partners, nor models, selectors, services or any entry point.
MESSAGE_PACKAGE = "ill.iso18626"
MESSAGE_PACKAGE_READS = ("nlk_portal.core", "ill.choices", "ill.status", "ill.rules", MESSAGE_PACKAGE)
# The manager reports' modules that read and render (the filters, the figures, the listings, the files written),
# on the selectors floor: a service (the monthly email) builds reports with them. Their views are entry points.
REPORT_READS = {
    f"exchange.reports.{name}"
    for name in ("filters", "tables", "ill_figures", "exchange_figures", "figures", "rows", "exports")
}
# What the manager reports may read of ILL: its figures through one selector, and its vocabulary.
REPORTS_READ_OF_ILL = {"ill.selectors.reporting", "ill.choices", "ill.status", "ill.rules.terms"}


def project_modules():
    """{dotted name: path} of every module of the project's packages."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = project_modules()


def imported_modules(name, path):
    """The project modules `name` imports, at any depth of its code: [(module, line)]."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_package else name.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            # `from package import module` imports the module; `from module import name` the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in MODULES and target != name:
                found.append((target, node.lineno))
    return found


def project_floor(name):
    best = None
    for floor, prefixes in enumerate(PROJECT_FLOORS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (floor, len(prefix))
    return best[0]


def app_of(name):
    """The app a module belongs to: nlk_portal.outbox, partners, ill or exchange; None for the rest."""
    for app in ("nlk_portal.outbox", "partners", "ill", "exchange"):
        if name == app or name.startswith(app + "."):
            return app
    return None


def app_floor(name):
    """The floor of a module inside its app."""
    if name in REPORT_READS:
        return APP_FLOORS.index(("selectors",))
    app = app_of(name)
    inside = name[len(app) + 1 :].split(".") if name != app else []
    if inside and inside[0] == "reports":  # exchange.reports is a small app of its own inside exchange
        inside = inside[1:]
    first = inside[0] if inside else "__init__"
    for floor, names in enumerate(APP_FLOORS):
        if first in names:
            return floor
    return len(APP_FLOORS)


def floor_of(name):
    return (project_floor(name), app_floor(name) if app_of(name) else 0)


EDGES = {name: imported_modules(name, path) for name, path in MODULES.items()}


def wrong_way(name, target):
    if app_of(name) != app_of(target) or app_of(name) is None:
        return project_floor(target) > project_floor(name)
    # Inside an app: an app's package module (its __init__) re-exports, so it sits with what it re-exports.
    if target == app_of(name):
        return False
    return app_floor(target) > app_floor(name)


def test_the_floors_are_read_from_the_real_tree():
    # A renamed package would otherwise leave the test checking nothing.
    for module in ["nlk_portal.core.calendar", "nlk_portal.outbox.dispatch", "partners.models", "ill.status",
                   "ill.rules.copyright", "ill.models.requests", "ill.selectors.reporting",
                   "ill.services.workflow", "ill.admin.requests", "exchange.reports.figures", "nlk_portal.urls"]:
        assert module in MODULES, module
    assert floor_of("ill.status") < floor_of("ill.models.requests") < floor_of("ill.selectors.queues")
    assert floor_of("ill.selectors.queues") < floor_of("ill.services.workflow") < floor_of("ill.tasks")
    assert floor_of("ill.iso18626.encode") == floor_of("ill.status") < floor_of("ill.models.requests")
    assert floor_of("ill.views.iso18626") == floor_of("ill.tasks")
    assert floor_of("nlk_portal.core.printing") < floor_of("nlk_portal.outbox.dispatch") < floor_of("partners.models")
    assert floor_of("partners.admin") < floor_of("ill.models") < floor_of("exchange.models") < floor_of("nlk_portal.urls")
    assert "nlk_portal.core.calendar" in {target for target, _ in EDGES["ill.rules.terms"]}
    assert REPORT_READS <= MODULES.keys()
    assert floor_of("exchange.selectors.plans") == floor_of("exchange.reports.figures")
    assert floor_of("exchange.reports.figures") < floor_of("exchange.services.monthly_report")
    assert floor_of("exchange.services.monthly_report") < floor_of("exchange.reports.views") == floor_of("exchange.tasks")
    # partners is layered as ill is: its accounts' policy, reads, writes and pages each on their floor.
    for module in ["partners.rules.accounts", "partners.selectors.accounts", "partners.selectors.directory",
                   "partners.services.accounts", "partners.services.emails", "partners.services.retention",
                   "partners.views.accounts",
                   "partners.views.directory"]:
        assert module in MODULES, module
    assert floor_of("partners.rules.accounts") < floor_of("partners.models") < floor_of("partners.selectors.accounts")
    assert floor_of("partners.selectors.accounts") < floor_of("partners.services.accounts") < floor_of("partners.tasks")
    assert floor_of("partners.services.emails") < floor_of("partners.views.accounts") == floor_of("partners.forms")


def test_no_module_imports_one_above_it():
    wrong = [
        f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}"
        for name, targets in EDGES.items()
        for target, line in targets
        if wrong_way(name, target)
    ]
    assert not wrong, "Imports against the order in DESIGN.md:\n" + "\n".join(sorted(wrong))


def test_the_core_imports_no_app_and_the_apps_not_the_project_package():
    for name, targets in EDGES.items():
        for target, line in targets:
            where = f"{MODULES[name].relative_to(ROOT)}:{line}"
            if name.startswith("nlk_portal.core"):
                assert target.startswith("nlk_portal.core"), f"{where} imports {target}"
            if app_of(name) and project_floor(target) == project_floor("nlk_portal.urls"):
                pytest.fail(f"{where} imports {target}: no app imports the project package's own modules")


def is_in(name, package):
    return name == package or name.startswith(package + ".")


def message_package_may_import(target):
    return any(is_in(target, allowed) for allowed in MESSAGE_PACKAGE_READS)


def test_the_message_package_imports_only_the_vocabulary_and_the_rules():
    modules = [name for name in EDGES if is_in(name, MESSAGE_PACKAGE)]
    assert {"ill.iso18626.inbound", "ill.iso18626.encode", "ill.iso18626.to_request"} <= set(modules)
    wrong = [
        f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}"
        for name in modules
        for target, line in EDGES[name]
        if not message_package_may_import(target)
    ]
    assert not wrong, "The ISO 18626 message package imports above the rules:\n" + "\n".join(sorted(wrong))
    # The rule refuses what the floors alone would let through (partners is below ill) and what they refuse.
    for above in ["partners.models", "ill.models", "ill.selectors.iso18626", "ill.services.submission",
                  "ill.admin", "ill.views.iso18626", "ill.tasks", "ill.forms.requests"]:
        assert not message_package_may_import(above), above
    assert message_package_may_import("ill.rules.bibliographic")


def app_names_in_strings(path):
    """The strings in a module's code (docstrings left out) that name something of an app: "exchange.export_reports"."""
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.value, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and re.fullmatch(r"(partners|ill|exchange)\.\w+", node.value)
    ]


def test_the_core_names_no_app_in_its_strings():
    # A permission or a model named by a string ("exchange.export_reports") is a dependency the imports do not
    # show; the project's settings name it, and the core reads the setting.
    named = [
        f"{MODULES[name].relative_to(ROOT)}:{line} names {value}"
        for name in MODULES
        if name.startswith("nlk_portal.core")
        for value, line in app_names_in_strings(MODULES[name])
    ]
    assert not named, "\n".join(named)


def test_the_reports_read_ill_only_through_its_reporting_selector():
    for name, targets in EDGES.items():
        if not name.startswith("exchange.reports"):
            continue
        for target, line in targets:
            if app_of(target) == "ill":
                assert target in REPORTS_READ_OF_ILL, f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}"


def test_there_is_no_cycle():
    graph = {name: sorted({target for target, _ in targets}) for name, targets in EDGES.items()}
    # A package's __init__ that re-exports its modules is part of them, not above them.
    state, path, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for target in graph[node]:
            if state.get(target) == "open":
                cycles.append(" → ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "Import cycles:\n" + "\n".join(cycles)


def test_the_parser_sees_imports_inside_functions(tmp_path):
    # The checks above are only as good as this: a late import counts like any other.
    path = tmp_path / "late.py"
    path.write_text("def f():\n    from ill.models import IllRequest\n    import exchange.reports.figures\n")
    assert {target for target, _ in imported_modules("partners.late", path)} == {
        "ill.models",
        "exchange.reports.figures",
    }
    assert wrong_way("partners.late", "ill.models")
