"""Models that parse their nested objects at the first read equal models that parse it all at once.

The generated models parse a nested object or list of objects when it is first read
("lazy nested models", spec/templates/README.md). The reference here is the code as it
was before: ``model.py.jinja`` rendered with ``eager=True`` for every model of both specs,
imported as a copy of each package (``eager_<package>``) that shares the real packages'
``types`` and enums. Every JSON body the project holds is read by both, as the model its
schema names:

- the examples of both specs (requests and responses);
- ``tests/real_payloads/`` and ``tests/tolerated_payloads/``;
- every request and response body of every cassette in ``tests/cassettes/``;
- the sandbox's seeded roster (nested and flat references, orgs without ``$sys``) and
  the tasks of its queue in each task schema.

Both readings must give the same values, field by field down to the leaves (same types),
and the same ``to_dict()``, key order included; a lazy model read in any order, copied,
deep-copied or pickled must equal itself. A body the eager code rejects must be rejected
by the lazy one with the same exception, raised by ``from_dict()`` or, chained under a
``LazyParseError``, by the first read of the nested field that holds the fault.
"""

from __future__ import annotations

import copy
import importlib
import json
import pickle
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from ruamel.yaml import YAML

from kimono_interop.sandbox import SandboxConfig, SandboxState
from kimono_interop_data_api.types import LazyParseError
from scripts import generate
from tests.support import ROOT, TESTS
from tests.support.cassettes import TOKEN_PATH, cassette_files, load_interactions
from tests.support.contract import operation_for
from tests.support.specs import PACKAGES, SPECS, examples, load_spec, operations, ref_name, resolve

# -- the eager reference ------------------------------------------------------------------------


def _render_eager_models(spec: str, template_dir: Path) -> dict[str, str]:
    """Module name -> source of each model of ``spec``, rendered to parse in from_dict()."""
    path = SPECS[spec]
    config_file = ConfigFile.load_from_path(path.with_suffix(".config.yaml"))
    config = Config.from_sources(config_file, MetaType.NONE, path, "utf-8", True, None)
    openapi = GeneratorData.from_dict(YAML(typ="safe").load(path), config=config)
    assert isinstance(openapi, GeneratorData), openapi
    project = Project(openapi=openapi, config=config, custom_template_path=template_dir)
    template = project.env.get_template("model.py.jinja")
    return {
        model.class_info.module_name: template.render(model=model, eager=True)
        for model in openapi.models
    }


@pytest.fixture(scope="module")
def eager(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ModuleType]]:
    """Spec name -> the eager copy of its package's ``models`` modules, by module name.

    Each copy is a package ``eager_<package>`` whose ``types`` and enum modules are the
    real package's, so both readings share ``UNSET`` and the enum classes.
    """
    root = tmp_path_factory.mktemp("eager")
    template_dir = generate.template_dir(tmp_path_factory.mktemp("templates"))
    added: list[str] = []
    found: dict[str, ModuleType] = {}
    sys.path.insert(0, str(root))
    try:
        for spec, package in PACKAGES.items():
            copy_name = f"eager_{package}"
            (root / copy_name / "models").mkdir(parents=True)
            (root / copy_name / "__init__.py").write_text("")
            (root / copy_name / "models" / "__init__.py").write_text("")
            sources = _render_eager_models(spec, template_dir)
            for module, source in sources.items():
                (root / copy_name / "models" / f"{module}.py").write_text(source)
            real_models = ROOT / "generated" / package / "models"
            aliases = {f"{copy_name}.types": importlib.import_module(f"{package}.types")}
            for path in real_models.glob("*.py"):
                if path.stem not in sources and path.stem != "__init__":
                    real = importlib.import_module(f"{package}.models.{path.stem}")
                    aliases[f"{copy_name}.models.{path.stem}"] = real
            sys.modules.update(aliases)
            added += list(aliases)
            importlib.import_module(copy_name)
            added += [copy_name, f"{copy_name}.models"]
            namespace = ModuleType(f"{copy_name} models by class")
            for module in sources:
                loaded = importlib.import_module(f"{copy_name}.models.{module}")
                added.append(loaded.__name__)
                for name, value in vars(loaded).items():
                    if attrs.has(value) and value.__module__ == loaded.__name__:
                        setattr(namespace, name, value)
            found[spec] = namespace
        yield found
    finally:
        sys.path.remove(str(root))
        for name in added:
            sys.modules.pop(name, None)
        shutil.rmtree(root, ignore_errors=True)


# -- the bodies ---------------------------------------------------------------------------------


def _model_name(spec: str, schema: dict[str, Any], body: Any) -> tuple[str, bool] | None:
    """(model class name, is a list of it) for ``body`` of ``schema``; None without a model.

    A read that answers ``{data}`` or the bare object (``anyOf`` the two, e.g. CourseRead)
    is read as the SDK reads it (kimono_interop._parsing.bare_or_enveloped).
    """
    resolved = resolve(load_spec(spec), schema)
    if alternatives := [ref_name(option) for option in resolved.get("anyOf", [])]:
        enveloped = isinstance(body, dict) and isinstance(body.get("data"), dict)
        enveloped = enveloped and "$sys" not in body
        for name in alternatives:
            properties = resolve(load_spec(spec), {"$ref": f"#/components/schemas/{name}"})
            if name and ("data" in properties.get("properties", {})) == enveloped:
                return name, False
    name = ref_name(schema)
    if name is not None:
        return name, False
    if resolved.get("type") == "array" and (item := ref_name(resolved.get("items", {}))):
        return item, True
    return None


def _json_schema(spec: str, holder: dict[str, Any]) -> dict[str, Any] | None:
    content = resolve(load_spec(spec), holder).get("content", {})
    media = content.get("application/json")
    return media["schema"] if media else None


def _operation(spec: str, operation_id: str) -> dict[str, Any]:
    return next(op.body for op in operations(spec) if op.operation_id == operation_id)


Body = tuple[str, str, bool, Any]  # spec, model class name, a list of it, the JSON


def _spec_examples() -> Iterator[tuple[str, list[Body]]]:
    for spec in SPECS:
        for example in examples(spec):
            found = _model_name(spec, example.schema, example.value)
            if found is not None:
                yield f"example {example.where}", [(spec, *found, example.value)]


def _payloads() -> Iterator[tuple[str, list[Body]]]:
    for folder in ("real_payloads", "tolerated_payloads"):
        for path in sorted((TESTS / folder).glob("*.json")):
            record = json.loads(path.read_text(encoding="utf-8"))
            payload = record["payload"]
            if "schema" in record:
                data_schemas = load_spec("interop-data")["components"]["schemas"]
                spec = "interop-data" if record["schema"] in data_schemas else "interop"
                yield f"{folder}/{path.name}", [(spec, record["schema"], False, payload)]
                continue
            for spec in SPECS:
                operation_id = record.get("response") or record["request"]
                try:
                    operation = _operation(spec, operation_id)
                except StopIteration:
                    continue
                holder = (
                    operation["responses"]["200"]
                    if "response" in record
                    else operation["requestBody"]
                )
                schema = _json_schema(spec, holder)
                found = _model_name(spec, schema, payload) if schema else None
                assert found is not None, path.name
                yield f"{folder}/{path.name}", [(spec, *found, payload)]


def _cassette_bodies(path: Path) -> list[Body]:
    bodies: list[Body] = []
    for request, response in load_interactions(path):
        url = urlsplit(request.uri)
        if url.path == TOKEN_PATH:
            continue
        spec, operation = operation_for(request.method, url.path)
        sides: list[tuple[dict[str, Any] | None, Any]] = [
            (operation.get("requestBody"), request.body),
            (
                operation["responses"].get(str(response["status"]["code"])),
                response["body"]["string"],
            ),
        ]
        for holder, raw in sides:
            schema = _json_schema(spec, holder) if holder else None
            body = json.loads(raw) if schema and raw else None
            found = _model_name(spec, schema, body) if schema and raw else None
            if found is not None:
                bodies.append((spec, *found, body))
    return bodies


def _cassettes() -> Iterator[tuple[str, list[Body]]]:
    for path in cassette_files():
        bodies = _cassette_bodies(path)
        if bodies:
            yield str(path.relative_to(TESTS)), bodies


SANDBOXES = {
    "nested references": SandboxConfig(students=40, schools=3, seed=5),
    "flat references": SandboxConfig(students=20, schools=2, seed=6, references="flat"),
    "orgs without $sys": SandboxConfig(students=5, schools=1, seed=7, orgs_without_sys=True),
    "task schema 1.x": SandboxConfig(students=10, schools=1, seed=8, task_schema="1.0"),
    "task schema 2.x": SandboxConfig(students=10, schools=1, seed=9, task_schema="2.0"),
}
ROSTER_MODELS = {
    "orgs": "Org",
    "persons": "Person",
    "courses": "Course",
    "sections": "Section",
    "terms": "Term",
    "grading_categories": "GradingCategory",
}


def _sandbox_bodies(config: SandboxConfig) -> list[Body]:
    state = SandboxState.create(config)
    bodies: list[Body] = [
        ("interop-data", model, False, body)
        for collection, model in ROSTER_MODELS.items()
        for body in getattr(state.roster, collection).values()
    ]
    while batch := state.queue.next_batch(list(state.tenants), limit=1000):
        bodies += [("interop-data", "Task", False, task) for task in batch]
    return bodies


def _sandboxes() -> Iterator[tuple[str, list[Body]]]:
    for label, config in SANDBOXES.items():
        yield f"sandbox, {label}", _sandbox_bodies(config)


SOURCES: list[tuple[str, list[Body]]] = [
    *_spec_examples(),
    *_payloads(),
    *_cassettes(),
    *_sandboxes(),
]


def test_every_kind_of_body_is_here() -> None:
    """Examples, payloads, cassettes and the sandbox all give bodies, of many models."""
    labels = [label.split(" ")[0].split("/")[0] for label, _ in SOURCES]
    assert {"example", "real_payloads", "tolerated_payloads", "cassettes", "sandbox,"} <= set(
        labels
    )
    models = {model for _, bodies in SOURCES for _, model, _, _ in bodies}
    assert {"Person", "Org", "Section", "Course", "Term", "GradingCategory", "Task"} <= models
    assert len(models) >= 40
    assert sum(len(bodies) for _, bodies in SOURCES) >= 1_000


# -- the comparison -----------------------------------------------------------------------------


def _fields(value: Any) -> list[str]:
    return [field.name for field in attrs.fields(type(value))]


def assert_same(lazy: Any, eager: Any, where: str = "") -> None:
    """The two values hold the same data down to the leaves: same models (by name), same
    field values, same types. Reading the lazy one parses every nested value."""
    if attrs.has(type(eager)):
        assert type(lazy).__name__ == type(eager).__name__, where
        assert _fields(lazy) == _fields(eager), where
        for name in _fields(eager):
            assert_same(getattr(lazy, name), getattr(eager, name), f"{where}.{name}")
    elif isinstance(eager, list):
        assert type(lazy) is list and len(lazy) == len(eager), where
        for index, (one, other) in enumerate(zip(lazy, eager, strict=True)):
            assert_same(one, other, f"{where}[{index}]")
    else:
        assert type(lazy) is type(eager) and lazy == eager, where


def read_all(value: Any) -> None:
    """Read every field of a model, recursively (parses every nested value)."""
    if attrs.has(type(value)):
        for name in _fields(value):
            read_all(getattr(value, name))
    elif isinstance(value, list):
        for item in value:
            read_all(item)


def _outcome(read: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "parsed", read()
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        return "raised", error


def _root_cause(error: BaseException) -> BaseException:
    while isinstance(error, LazyParseError) and error.__cause__ is not None:
        error = error.__cause__
    return error


def _to_dict(parsed: Any, many: bool) -> Any:
    return [item.to_dict() for item in parsed] if many else parsed.to_dict()


def check_body(
    real: ModuleType, eager: ModuleType, model: str, many: bool, body: Any, where: str
) -> None:
    """One body read by both models: same values and to_dict(), or the same error."""

    def parse(models: Any) -> Any:
        cls = getattr(models, model)
        return [cls.from_dict(item) for item in body] if many else cls.from_dict(body)

    eager_kind, eager_result = _outcome(lambda: parse(eager))
    if eager_kind == "raised":
        lazy_kind, lazy_result = _outcome(lambda: read_all(parse(real)))
        assert lazy_kind == "raised", f"{where}: eager raised {eager_result!r}, lazy parsed"
        cause = _root_cause(lazy_result)
        assert (type(cause), str(cause)) == (type(eager_result), str(eager_result)), where
        return

    def fresh() -> Any:
        """A new lazy reading: nothing of it parsed yet."""
        return parse(real)

    assert_same(fresh(), eager_result, where)
    expected = _to_dict(eager_result, many)
    for lazy_dict in (_to_dict(fresh(), many), _to_dict(_read_backwards(fresh()), many)):
        assert lazy_dict == expected, where
        assert json.dumps(lazy_dict, default=repr) == json.dumps(expected, default=repr), where
    assert repr(fresh()) == repr(eager_result), where
    lazy = fresh()
    assert lazy == lazy, where
    assert copy.copy(fresh()) == lazy, where
    assert copy.deepcopy(fresh()) == lazy, where
    assert pickle.loads(pickle.dumps(fresh())) == lazy, where
    assert repr(fresh()) == repr(lazy), where


def _read_backwards(parsed: Any) -> Any:
    """``parsed`` with its fields read last to first, recursively: another order of parsing."""
    if attrs.has(type(parsed)):
        for name in reversed(_fields(parsed)):
            _read_backwards(getattr(parsed, name))
    elif isinstance(parsed, list):
        for item in reversed(parsed):
            _read_backwards(item)
    return parsed


@pytest.mark.parametrize(
    ("label", "bodies"), [pytest.param(label, bodies, id=label) for label, bodies in SOURCES]
)
def test_lazy_and_eager_models_read_every_body_alike(
    eager: dict[str, ModuleType], label: str, bodies: list[Body]
) -> None:
    """Same values, same to_dict() (in key order), the same errors, for every body."""
    for index, (spec, model, many, body) in enumerate(bodies):
        real = importlib.import_module(f"{PACKAGES[spec]}.models")
        check_body(real, eager[spec], model, many, body, f"{label} #{index} ({model})")


def _attributes(model: type[Any]) -> list[tuple[Any, ...]]:
    return [
        (a.name, a.type, a.default, a.init, a.repr, a.eq, a.kw_only, a.alias)
        for a in attrs.fields(model)
    ]


def test_every_model_has_the_attrs_fields_of_its_eager_twin(
    eager: dict[str, ModuleType],
) -> None:
    """Same fields, in the same order, with the same types, defaults and options; the
    lazy fields keep a slot (read through a property), and nothing else is added."""
    checked = 0
    for spec, namespace in eager.items():
        real = importlib.import_module(f"{PACKAGES[spec]}.models")
        for name, eager_model in vars(namespace).items():
            if not attrs.has(eager_model):
                continue
            model = getattr(real, name)
            assert _attributes(model) == _attributes(eager_model), name
            assert model.__slots__ == eager_model.__slots__, name
            checked += 1
    assert checked >= 100


def test_the_comparison_sees_a_difference(eager: dict[str, ModuleType]) -> None:
    """The checks can fail: a nested value the lazy model parses differently is caught."""
    person = {"$sys": {"id": "0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e"}, "name": {"first": "Ada"}}
    real = importlib.import_module(f"{PACKAGES['interop-data']}.models")
    eager_person = eager["interop-data"].Person.from_dict(person)
    lazy_person = real.Person.from_dict({**person, "name": {"first": "Grace"}})
    with pytest.raises(AssertionError):
        assert_same(lazy_person, eager_person)
    with pytest.raises(AssertionError):
        assert_same(real.Person.from_dict(person), eager_person.sys)
