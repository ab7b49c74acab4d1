"""The speed-ups in the custom templates (spec/templates/) keep the generated code's behaviour.

* ``types.parse_id`` / ``types.parse_enum`` return what ``str(UUID(value))`` /
  ``Enum(value)`` return, and raise the same exceptions for the same inputs; both
  packages share one ``Unset`` and one set of parsers;
* ``UNSET`` is the only ``Unset`` (so ``x is UNSET`` means ``isinstance(x, Unset)``), also
  after copy, deepcopy and pickle;
* ``from_dict`` passes the attributes positionally in attrs' ``__init__`` order;
* the referenced models, imported at the end of each model module, import in any order.
"""

from __future__ import annotations

import ast
import copy
import enum
import importlib
import inspect
import pickle
import pkgutil
import random
import subprocess
import sys
import textwrap
import typing
import uuid
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import attrs
import pytest

from tests.support import ROOT
from tests.support.specs import PACKAGES

TYPES_MODULES = [importlib.import_module(f"{package}.types") for package in PACKAGES.values()]


def _model_modules(package: str) -> Iterator[ModuleType]:
    models = importlib.import_module(f"{package}.models")
    for info in pkgutil.iter_modules(models.__path__, f"{models.__name__}."):
        yield importlib.import_module(info.name)


def _model_classes() -> Iterator[type[Any]]:
    for package in PACKAGES.values():
        for module in _model_modules(package):
            for value in vars(module).values():
                if attrs.has(value) and value.__module__ == module.__name__:
                    yield value


def _enum_classes() -> Iterator[type[enum.Enum]]:
    for package in PACKAGES.values():
        for module in _model_modules(package):
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, enum.Enum)
                    and value.__module__ == module.__name__
                ):
                    yield value


def _outcome(function: Callable[[Any], Any], value: Any) -> tuple[Any, ...]:
    try:
        result = function(value)
    except Exception as error:  # the exact exception is what is compared
        return ("raises", type(error), str(error))
    if isinstance(result, uuid.UUID):
        return ("returns", type(result), result.int, result.is_safe)
    return ("returns", type(result), result)


UUID_INPUTS: list[Any] = [
    "0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e",
    "0E6A5F0C-58E1-4C4E-9F0A-2B4B2A1D3C4E",
    "0e6a5f0c58e14c4e9f0a2b4b2a1d3c4e",
    "{0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e}",
    "urn:uuid:0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e",
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4",
    "0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e0",
    "0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4g",
    "0e6a5f0c--58e14c4e-9f0a-2b4b2a1d3c4e",
    " e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e",
    "+e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e",
    "0x6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e",
    "0_6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e",
    "-0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e-",
    "",
    "not a uuid",
    b"0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e",
    12345,
    None,
    {},
    [],
    uuid.UUID("0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e"),
]


def _str_uuid(value: Any) -> str:
    return str(uuid.UUID(value))


@pytest.mark.parametrize("types", TYPES_MODULES, ids=lambda module: module.__name__)
@pytest.mark.parametrize("value", UUID_INPUTS, ids=repr)
def test_parse_id_is_str_of_uuid(types: ModuleType, value: Any) -> None:
    """The same string, or the same exception type and message, as str(uuid.UUID())."""
    assert _outcome(types.parse_id, value) == _outcome(_str_uuid, value)


@pytest.mark.parametrize("types", TYPES_MODULES, ids=lambda module: module.__name__)
def test_parse_id_is_str_of_uuid_on_random_strings(types: ModuleType) -> None:
    """Strings near the UUID forms (hex digits, hyphens, braces, prefixes, signs, blanks)."""
    rng = random.Random(20251116)
    alphabet = "0123456789abcdefABCDEF" * 4 + "----{}urn:uid_+x -"
    for _ in range(20_000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(30, 46)))
        assert _outcome(types.parse_id, value) == _outcome(_str_uuid, value), value
    for _ in range(2_000):
        value = str(uuid.UUID(int=rng.getrandbits(128)))
        value = value.upper() if rng.random() < 0.5 else value
        assert _outcome(types.parse_id, value) == _outcome(_str_uuid, value), value


def test_parse_id_returns_a_canonical_id_as_it_is() -> None:
    """The fast path: an id already in the canonical form is returned without a UUID built."""
    value = "0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e"
    assert all(types.parse_id(value) is value for types in TYPES_MODULES)


def test_both_packages_share_one_unset_and_one_set_of_parsers() -> None:
    """``isinstance(x, Unset)`` and ``x is UNSET`` hold for a value of either API's models."""
    data, interop = TYPES_MODULES
    for name in ("Unset", "UNSET", "parse_id", "parse_enum", "secrets_hidden"):
        assert getattr(data, name) is getattr(interop, name), name


ENUM_PROBES: list[Any] = ["", "not-a-listed-value", 1, 0, None, 1.5, b"x", {}, [], {"a": 1}]


@pytest.mark.parametrize("enum_class", list(_enum_classes()), ids=lambda cls: cls.__qualname__)
def test_parse_enum_is_enum_call(enum_class: type[enum.Enum]) -> None:
    """Members, their values, unknown values (pseudo-members) and junk behave as Enum(value)."""
    types = sys.modules[enum_class.__module__.rsplit(".models.", 1)[0] + ".types"]
    values = [*enum_class, *(member.value for member in enum_class), *ENUM_PROBES]
    for value in values:
        expected = _outcome(enum_class, value)
        got = _outcome(lambda v: types.parse_enum(enum_class, v), value)
        assert got == expected, value
        if expected[0] == "returns" and expected[2] in enum_class._value2member_map_:
            assert types.parse_enum(enum_class, value) is enum_class(value)


@pytest.mark.parametrize("types", TYPES_MODULES, ids=lambda module: module.__name__)
def test_unset_is_a_singleton(types: ModuleType) -> None:
    """Unset() is UNSET, and copies and pickles of it are UNSET too."""
    unset = types.UNSET
    assert types.Unset() is unset
    assert copy.copy(unset) is unset
    assert copy.deepcopy(unset) is unset
    assert pickle.loads(pickle.dumps(unset)) is unset
    assert repr(unset) == "UNSET"
    assert not unset


def test_copied_and_pickled_models_keep_unset_fields_out_of_to_dict() -> None:
    """A deepcopy or pickle of a model writes the same dict (its UNSET fields stay UNSET)."""
    models = importlib.import_module(f"{PACKAGES['interop-data']}.models")
    person = models.Person.from_dict(
        {"$sys": {"id": "0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e"}, "name": {"first": "Ada"}}
    )
    expected = person.to_dict()
    assert copy.deepcopy(person).to_dict() == expected
    assert pickle.loads(pickle.dumps(person)).to_dict() == expected


def _cls_call(model: type[Any]) -> ast.Call:
    source = textwrap.dedent(inspect.getsource(model.from_dict))
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cls"
    ]
    assert len(calls) == 1, f"{model.__qualname__}.from_dict: one cls(...) call expected"
    return calls[0]


@pytest.mark.parametrize("model", list(_model_classes()), ids=lambda cls: cls.__qualname__)
def test_from_dict_passes_attributes_in_init_order(model: type[Any]) -> None:
    """cls(...) in from_dict() names each init attribute once, positionally, in order."""
    call = _cls_call(model)
    assert not call.keywords
    passed = [arg.id if isinstance(arg, ast.Name) else ast.dump(arg) for arg in call.args]
    assert passed == [field.name for field in attrs.fields(model) if field.init]


@pytest.mark.parametrize("model", list(_model_classes()), ids=lambda cls: cls.__qualname__)
def test_model_annotations_resolve(model: type[Any]) -> None:
    """The referenced models are module globals now, so the annotations resolve at run time."""
    assert typing.get_type_hints(model)


# Each model module is imported first, with the package unloaded and without the models
# package's __init__ (which would import them all in its own order): the module and, through
# the imports at its end, the models it references, then its annotations must resolve.
IMPORT_EACH_FIRST = """
import importlib, pkgutil, sys, types, typing
package = sys.argv[1]
models = importlib.import_module(package + ".models")
path = list(models.__path__)
names = [info.name for info in pkgutil.iter_modules(path, models.__name__ + ".")]
for name in names:
    for loaded in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[loaded]
    importlib.import_module(package)
    stub = types.ModuleType(package + ".models")
    stub.__path__ = path
    sys.modules[stub.__name__] = stub
    module = importlib.import_module(name)
    for value in vars(module).values():
        if getattr(value, "__module__", None) == name and hasattr(value, "from_dict"):
            typing.get_type_hints(value)
print(len(names))
"""


def python(code: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """``code`` run by a fresh interpreter of this venv, from the project's root."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


@pytest.mark.parametrize("package", sorted(PACKAGES.values()))
def test_each_model_module_imports_first(package: str) -> None:
    """Each model module can be the first one imported; the import cycles resolve."""
    result = python(IMPORT_EACH_FIRST, package, timeout=300)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 0


def test_sdk_imports_in_a_fresh_interpreter() -> None:
    """`import kimono_interop` works in a fresh interpreter."""
    result = python("import kimono_interop", timeout=120)
    assert result.returncode == 0, result.stderr
