"""spec/templates/ changes the generator's own templates only where its README says.

Each custom template renders openapi-python-client's template of the same name (reached
as ``upstream/NAME``, see scripts/generate.py) and changes its output in the places
spec/templates/README.md lists. These tests render every model, string enum and endpoint
of both specs, and the client and types modules, once with upstream's templates alone and
once with ours. The two must differ by exactly the documented changes: each differing line
is explained by one of them, and each of them shows somewhere. The tests also hold each
override to its documented size and each property template to upstream's set of macros.

The renderings compared are the templates' raw output, before the ruff post hook.
Blank lines and comment-only lines are ignored because they do not change the code.
"""

from __future__ import annotations

import ast
import difflib
import fnmatch
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest
from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.openapi import import_string_from_class
from openapi_python_client.parser.properties import LiteralEnumProperty
from ruamel.yaml import YAML

# scripts/generate.py: template_dir() builds the directory the generator reads,
# spec/templates/ plus upstream's templates under upstream/.
from scripts import generate
from tests.support import ROOT
from tests.support.specs import SPECS

TEMPLATES = ROOT / "spec" / "templates"
README = TEMPLATES / "README.md"
PROPERTY_TEMPLATES = "property_templates/"


@dataclass(frozen=True)
class Change:
    """One documented change: the lines of upstream's output it removes and those it adds.

    ``removed`` and ``added`` are regular expressions that a whole line, stripped, must
    match. Their named groups pair the two: in each rendering, the groups of the removed
    lines equal those of the added ones, so a change neither drops nor invents a field, an
    import or an argument. ``defines`` are what the change adds to the module (``name`` or
    ``Class.member``, as fnmatch patterns). Every added line inside one of them belongs to
    the change.
    """

    template: str
    name: str
    removed: str | None = None
    added: str | None = None
    defines: tuple[str, ...] = ()
    drops: tuple[str, ...] = ()


# Order matters: a line belongs to the first change that matches it, so enum_property's
# catch-all `var = Something(source)` comes after the UUID and datetime ones.
CHANGES = (
    Change(
        "model.py.jinja",
        "parsers import",
        r"from \.\.types import UNSET, Unset",
        r"from \.\.types import UNSET, Unset, parse_enum, parse_id, secrets_hidden",
    ),
    Change("model.py.jinja", "referenced models at the end", r"if TYPE_CHECKING:"),
    Change(
        "model.py.jinja",
        "referenced models at the end",
        r"(?P<module>from \.\.models\.\w+ import \w+)(?: # noqa: PLC0415)?",
        r"(?P<module>from \.\.models\.\w+ import \w+)  # noqa: E402",
    ),
    Change(
        "model.py.jinja",
        "ids as strings",
        r"(?P<before>.*(?::|\[| \|) )?UUID(?P<after>(?:\]| \|).*)?",
        r"(?!.*_attrs_field\(repr=False)(?P<before>.*(?::|\[| \|) )?str(?P<after>(?:\]| \|).*)?",
    ),
    # After "ids as strings" (its UUID lines would match the declarations below), before
    # "secret fields out of the repr" (whose removed pattern matches any declaration).
    Change(
        "model.py.jinja",
        "lazy nested models",
        added=r"from \.\.types import LAZY, lazy_fields, parse_each",
    ),
    Change(
        "model.py.jinja",
        "lazy nested models",
        r"(?P<field>\w+): (?:list\[)?[A-Z]\w*\]? \| Unset(?: = UNSET)?",
        r"(?P<field>\w+): Any(?: = UNSET)?",
    ),
    Change(
        "model.py.jinja",
        "lazy nested models",
        r"(?P<field>\w+?)(?:_item)? = [A-Z]\w*\.from_dict\(.+\)",
        r"(?P<field>\w+)(?:: Any)? = \(LAZY, .+\)",
    ),
    Change(
        "model.py.jinja",
        "lazy nested models",
        r"\w+ = \[\]|for \w+_item_data in \(?_\w+\)?:|\w+\.append\(\w+_item\)"
        r'|_\w+ = d\.pop\("[^"]*"\)',
    ),
    Change(
        "model.py.jinja",
        "lazy nested models",
        added=r"lazy_fields\(\w+(?:, \w+=(?:parse_each\(\w+\.from_dict\)|\w+\.from_dict))+\)",
    ),
    Change(
        "model.py.jinja",
        "secret fields out of the repr",
        r"(?P<field>\w+): (?P<type>[^=]+?)(?: = UNSET)?",
        r"(?P<field>\w+): (?P<type>.+?) = _attrs_field\(repr=False(?:, default=UNSET)?\)",
    ),
    Change(
        "model.py.jinja",
        "unknown members' secrets out of the repr",
        r"additional_properties: (?P<type>.+) = _attrs_field\(init=False, factory=dict\)",
        r"additional_properties: (?P<type>.+) = "
        r"_attrs_field\(init=False, factory=dict, repr=(?:False|secrets_hidden)\)",
    ),
    Change("model.py.jinja", "positional from_dict", r"(?P<arg>\w+)=(?P=arg),", r"(?P<arg>\w+),"),
    Change(
        "endpoint_module.py.jinja",
        "parsers import",
        r"from \.\.\.types import Response, UNSET",
        r"from \.\.\.types import Response, UNSET, parse_enum, parse_id",
    ),
    Change(
        "client.py.jinja",
        "no typing.Self",
        r"from typing import Any, Self",
        r"from typing import Any",
    ),
    Change(
        "client.py.jinja",
        "no typing.Self",
        r"(?P<method>(?:async )?def \w+\(.*\)) -> Self:",
        r'(?P<method>(?:async )?def \w+\(.*\)) -> "(?:Authenticated)?Client":',
    ),
    Change(
        "str_enum.py.jinja",
        "no enum.StrEnum",
        r"from enum import StrEnum",
        r"from enum import Enum",
    ),
    Change(
        "str_enum.py.jinja",
        "no enum.StrEnum",
        r"class (?P<enum>\w+)\(StrEnum\):",
        r"class (?P<enum>\w+)\(str, Enum\):",
    ),
    Change("str_enum.py.jinja", "open enums", defines=("*.__doc__", "*.is_known", "*._missing_")),
    Change(
        "types.py.jinja",
        "UNSET the only Unset",
        defines=("Unset._instance", "Unset.__new__", "Unset.__reduce__", "Unset.__repr__"),
    ),
    Change(
        "types.py.jinja",
        "fast parsers",
        added=r"import re|from (?:enum|typing|uuid) import [\w, ]+",
        defines=("_E", "parse_enum", "_CANONICAL_ID", "parse_id"),
    ),
    Change(
        "types.py.jinja",
        "one Unset",
        added=r"from kimono_interop_data_api\.types import \w+ as \w+",
        drops=("Unset", "Unset.*", "UNSET"),
    ),
    Change("types.py.jinja", "secrets hidden", defines=("secrets_hidden",)),
    Change(
        "types.py.jinja",
        "lazy nested models",
        added=r"from collections\.abc import Callable",
        defines=(
            "LazyParseError",
            "LazyParseError.*",
            "_raise_lazy_parse_error",
            "_ON_LAZY_PARSE_ERROR",
            "_PARSE_ERRORS",
            "on_lazy_parse_error",
            "_Lazy",
            "_Lazy.*",
            "LAZY",
            "lazy_fields",
            "parse_each",
            "_lazy_property",
        ),
    ),
    Change(
        "models_init.py.jinja",
        "models loaded on first use",
        added=r"from importlib import import_module|from typing import TYPE_CHECKING"
        r"|if TYPE_CHECKING:",
        defines=("_MODULES", "__getattr__", "__dir__"),
    ),
    Change(
        "property_templates/uuid_property.py.jinja",
        "parse_id",
        r"(?P<var>\w+) = UUID\((?P<source>.+)\)",
        r"(?P<var>\w+) = parse_id\((?P<source>.+)\)",
    ),
    Change(
        "property_templates/datetime_property.py.jinja",
        "trailing Z",
        r"(?P<var>\w+) = datetime\.datetime\.fromisoformat\((?P<source>.+)\)",
        r"(?P<var>\w+) = datetime\.datetime\.fromisoformat"
        r'\((?P<source>.+)\.replace\("Z", "\+00:00"\)\)',
    ),
    Change(
        "property_templates/enum_property.py.jinja",
        "parse_enum",
        r"(?P<var>\w+) = (?P<enum>\w+)\((?P<source>.+)\)",
        r"(?P<var>\w+) = parse_enum\((?P<enum>\w+), (?P<source>.+)\)",
    ),
    Change(
        "property_templates/property_macros.py.jinja",
        "is UNSET",
        r"if isinstance\(_(?P<var>\w+),\s+Unset\):",
        r"if _(?P<var>\w+) is UNSET:",
    ),
)


def _changes_for(template: str) -> list[Change]:
    """The changes a rendering of `template` may show. A module's rendering also shows the
    changes of the property templates it calls."""
    return [
        change
        for change in CHANGES
        if change.template == template
        or (
            change.template.startswith(PROPERTY_TEMPLATES)
            and template in ("model.py.jinja", "endpoint_module.py.jinja")
        )
    ]


def _projects(name: str, template_dir: Path) -> tuple[Project, Project]:
    """The generator set up for spec `name`: with upstream's templates alone, and with ours."""
    spec = SPECS[name]
    config_file = ConfigFile.load_from_path(spec.with_suffix(".config.yaml"))
    config = Config.from_sources(config_file, MetaType.NONE, spec, "utf-8", True, None)
    openapi = GeneratorData.from_dict(YAML(typ="safe").load(spec), config=config)
    assert isinstance(openapi, GeneratorData), openapi
    upstream = Project(openapi=openapi, config=config)
    ours = Project(openapi=openapi, config=config, custom_template_path=template_dir)
    return upstream, ours


@dataclass(frozen=True)
class Rendering:
    """One template rendered on one input by both sets of templates."""

    template: str
    label: str
    upstream: str
    ours: str


def _renderings(upstream: Project, ours: Project) -> Iterator[Rendering]:
    """What the generator renders from one spec: types and client modules, and every
    model, string enum and endpoint."""

    def render(template: str, label: str, **context: object) -> Rendering:
        return Rendering(
            template,
            label,
            upstream.env.get_template(template).render(**context),
            ours.env.get_template(template).render(**context),
        )

    openapi = ours.openapi
    yield render("types.py.jinja", "types.py")
    yield render("client.py.jinja", "client.py")
    # The generator's own arguments for models/__init__.py (Project._build_models).
    classes = [model.class_info for model in openapi.models] + [
        enum.class_info for enum in openapi.enums
    ]
    yield render(
        "models_init.py.jinja",
        "models/__init__.py",
        imports=[import_string_from_class(info) for info in classes],
        alls=[info.name for info in classes],
    )
    for model in openapi.models:
        yield render("model.py.jinja", model.class_info.name, model=model)
    for enum in openapi.enums:
        if not isinstance(enum, LiteralEnumProperty) and enum.value_type is not int:
            yield render("str_enum.py.jinja", enum.class_info.name, enum=enum)
    for collection in openapi.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            yield render("endpoint_module.py.jinja", endpoint.name, endpoint=endpoint)


def _code_lines(source: str) -> list[tuple[int, str]]:
    """(line number, stripped text) of each line that is neither blank nor a comment."""
    return [
        (number, line.strip())
        for number, line in enumerate(source.splitlines(), start=1)
        if line.strip() and not line.strip().startswith("#")
    ]


def _definitions(source: str) -> dict[str, range]:
    """The module's and its classes' definitions, as `name` or `Class.member`, and their
    line numbers (a docstring counts as `__doc__`)."""
    found: dict[str, range] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for position, node in enumerate(body):
            decorators = getattr(node, "decorator_list", [])
            first = min([node.lineno] + [decorator.lineno for decorator in decorators])
            lines = range(first, (node.end_lineno or node.lineno) + 1)
            docstring = isinstance(node, ast.Expr) and isinstance(
                getattr(node.value, "value", None), str
            )
            if position == 0 and docstring:
                found[prefix + "__doc__"] = lines
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found[prefix + node.name] = lines
                if isinstance(node, ast.ClassDef):
                    visit(node.body, f"{node.name}.")
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        found[prefix + target.id] = lines

    visit(ast.parse(source).body, "")
    return found


@dataclass
class Comparison:
    """What the renderings showed: unexplained differences, and how often each change did."""

    problems: list[str]
    shown: dict[Change, int]


def _explain(text: str, side: str, changes: list[Change]) -> tuple[Change, re.Match[str]] | None:
    """The first change whose `side` ("removed" or "added") pattern matches the line."""
    for change in changes:
        pattern = getattr(change, side)
        if pattern and (match := re.fullmatch(pattern, text)):
            return change, match
    return None


def _compare(rendering: Rendering, comparison: Comparison) -> None:
    """Explain each difference between upstream's and our rendering by a documented change."""
    where = f"{rendering.template} ({rendering.label})"
    changes = _changes_for(rendering.template)
    problems = comparison.problems

    upstream_definitions = _definitions(rendering.upstream)
    our_definitions = _definitions(rendering.ours)
    in_dropped_definition: set[int] = set()
    for name in sorted(upstream_definitions.keys() - our_definitions.keys()):
        owner = next((c for c in changes if any(fnmatch.fnmatch(name, p) for p in c.drops)), None)
        if owner is None:
            problems.append(f"{where}: drops upstream's {name}")
            continue
        comparison.shown[owner] += 1
        in_dropped_definition.update(upstream_definitions[name])
    in_added_definition: set[int] = set()
    for name in sorted(our_definitions.keys() - upstream_definitions.keys()):
        owner = next((c for c in changes if any(fnmatch.fnmatch(name, p) for p in c.defines)), None)
        if owner is None:
            problems.append(f"{where}: adds {name}, which no documented change defines")
            continue
        comparison.shown[owner] += 1
        in_added_definition.update(our_definitions[name])

    before, after = _code_lines(rendering.upstream), _code_lines(rendering.ours)
    matcher = difflib.SequenceMatcher(
        None, [text for _, text in before], [text for _, text in after], autojunk=False
    )
    groups: dict[tuple[Change, str], set[tuple[str, ...]]] = defaultdict(set)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for side, lines in (("removed", before[i1:i2]), ("added", after[j1:j2])):
            for number, text in lines:
                if side == "added" and number in in_added_definition:
                    continue
                if side == "removed" and number in in_dropped_definition:
                    continue
                explained = _explain(text, side, changes)
                if explained is None:
                    problems.append(f"{where}: {side} line no documented change explains: {text}")
                    continue
                owner, match = explained
                comparison.shown[owner] += 1
                if match.groupdict():
                    groups[(owner, side)].add(tuple(match.groupdict().values()))
    for change in changes:
        removed, added = groups[(change, "removed")], groups[(change, "added")]
        if change.removed and change.added and removed != added:
            problems.append(
                f"{where}: {change.name!r} removed {sorted(removed - added)} "
                f"but added {sorted(added - removed)}"
            )


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Project, Project]]:
    """For each spec, the generator with upstream's templates alone and with ours."""
    template_dir = generate.template_dir(tmp_path_factory.mktemp("generate"))
    return {name: _projects(name, template_dir) for name in SPECS}


@pytest.fixture(scope="module")
def comparison(projects: dict[str, tuple[Project, Project]]) -> Comparison:
    """Every rendering of both specs compared, upstream's templates against ours."""
    result = Comparison(problems=[], shown=dict.fromkeys(CHANGES, 0))
    for upstream, ours in projects.values():
        for rendering in _renderings(upstream, ours):
            _compare(rendering, result)
    return result


@pytest.fixture
def env(projects: dict[str, tuple[Project, Project]]) -> jinja2.Environment:
    """The Jinja environment the generator renders our templates with."""
    return projects["interop"][1].env


def test_renderings_differ_from_upstream_only_by_documented_changes(
    comparison: Comparison,
) -> None:
    """Every line where our output differs from upstream's belongs to a documented change,
    and upstream's definitions are all still there."""
    assert comparison.problems == [], "\n".join(comparison.problems[:20])


def test_every_documented_change_shows(comparison: Comparison) -> None:
    """No documented change is dead: each one changes some rendering of the two specs."""
    assert [(c.template, c.name) for c, n in comparison.shown.items() if n == 0] == []


def test_readme_documents_every_change_and_file() -> None:
    """Each change checked here is named in spec/templates/README.md, and each file in
    spec/templates/ is a row of its table."""
    readme = README.read_text()
    assert [c.name for c in CHANGES if f"**{c.name}**" not in readme] == []
    rows = set(re.findall(r"^\| `([\w/.]+)`", readme, flags=re.MULTILINE))
    files = {str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.jinja")}
    assert rows == files


def test_overrides_stay_within_their_documented_size() -> None:
    """Each template stays within the line count the README gives it, so it remains an
    override and does not turn back into a copy of upstream's template."""
    limits = re.findall(r"^\| `([\w/.]+)`[^|]*\| (\d+) \|", README.read_text(), re.MULTILINE)
    assert limits
    over = {
        name: len((TEMPLATES / name).read_text().splitlines())
        for name, limit in limits
        if len((TEMPLATES / name).read_text().splitlines()) > int(limit)
    }
    assert over == {}


def test_overrides_start_from_upstreams_template() -> None:
    """Each override renders or imports upstream's template of the same name and changes
    it. None is a fork."""
    upstream = generate.upstream_templates()
    for path in TEMPLATES.rglob("*.py.jinja"):
        name = str(path.relative_to(TEMPLATES))
        assert (upstream / name).exists(), f"{name} overrides no upstream template"
        assert f'"{generate.UPSTREAM_PREFIX}/{name}"' in path.read_text(), name


def test_property_templates_export_upstreams_macros(env: jinja2.Environment) -> None:
    """A property template override offers the same macros as upstream's, so a macro that
    a new generator version adds is not silently missing from ours."""
    for path in sorted((TEMPLATES / PROPERTY_TEMPLATES).glob("*_property.py.jinja")):
        name = f"{PROPERTY_TEMPLATES}{path.name}"
        ours = env.get_template(name).module
        upstream = env.get_template(f"{generate.UPSTREAM_PREFIX}/{name}").module
        assert _exported(ours) == _exported(upstream), name


def _exported(module: object) -> set[str]:
    return {name for name in vars(module) if not name.startswith("_")}


def test_an_edit_upstream_no_longer_matches_stops_generation(env: jinja2.Environment) -> None:
    """edit() fails, quoting the text, when upstream's output lacks it, so an upgrade that
    changes that output cannot silently drop our change."""
    source = '{% from "edit.jinja" import edit %}{{ edit("from upstream", "gone", "new") }}'
    with pytest.raises(jinja2.UndefinedError, match="gone"):
        env.from_string(source).render()
    source = '{% from "edit.jinja" import edit %}{{ edit("a-b-a", "a", "c") }}'
    assert env.from_string(source).render() == "c-b-c"
