"""The body of a list answer, rendered fast: by orjson when installed, else from kept texts.

A list answer is mostly the JSON of objects the sandbox holds (the roster), and
rendering them is most of what serving a page costs: ``json.dumps`` takes about
15 µs for a 1.7 kB person, where the rest of the request costs about one. Both ways
below give the bytes ``JSONResponse`` renders (compact, UTF-8).

With orjson installed (``kimono-interop[orjson]``), a page is rendered by one
``orjson.dumps`` (about 3 µs a person); a page orjson refuses (keys that are not
strings, integers past 64 bits, a lone surrogate) is rendered as below. The one
difference: orjson writes a NaN as ``null`` where ``JSONResponse`` fails.

Without it, :class:`Fragments` keeps each held object's rendered text and joins the
texts of a page into its body. Objects are plain dicts that anyone may change in
place (tests and the reliability suite do, down to a nested name), so a kept text is
only used while the object is unchanged: each use compares the object with a
*snapshot* taken when it was rendered (a copy of its dicts and lists that shares
everything else; one deep ``==`` in C, mostly of identical keys and values: 2 to 4 µs a
person). A page whose objects all have snapshots and are unchanged is checked with one
list ``==`` and joined without a Python call per object.

Rendering is paid off the request path: :meth:`Fragments.warm` renders and snapshots
every object the roster holds when the json renderer is chosen (when the sandbox
starts, without orjson: about 35 µs a person, some 0.4 s of start-up for 10,000
students), and the sandbox warms each object it adds or replaces when it does
(:meth:`SandboxState.inject`). Serving a page then renders only what was changed in
place since (or was never warmed: the first use of such an object renders it and takes
its *fingerprint*, ``marshal.dumps``, a third of a render; the second compares
fingerprints and, the object unchanged, takes its snapshot). A changed object is
rendered again and starts over. A value replaced by one that compares equal but renders
differently (``1`` by ``True`` or ``1.0``) after the snapshot is the one change this
cannot see.

Only objects the roster holds are kept (by identity, so an object replaced in the
roster leaves its entry behind until the next pruning); anything else, such as the
copies the Interop API and some shapes make per request, is rendered each time.
"""

from __future__ import annotations

import gc
import importlib
import json
import marshal
from collections.abc import Callable, Iterable, Sequence
from operator import is_
from typing import Any

try:  # optional: kimono-interop[orjson]
    _orjson: Any = importlib.import_module("orjson")
except ImportError:
    _orjson = None

#: What renders list pages: "orjson" when it is installed, else "json".
RENDERER = "json" if _orjson is None else "orjson"

#: How many entries beyond those of held objects may pile up before a pruning.
SLACK = 1024


def render(obj: Any) -> bytes:
    """``obj`` as ``JSONResponse`` renders it: compact, UTF-8, no NaN."""
    return json.dumps(
        obj, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


#: The types of JSON's scalars: what a snapshot shares rather than copies, without a call.
_LEAVES = frozenset((str, int, bool, float, type(None)))


def _fingerprint(value: Any) -> bytes | None:
    """``value``'s content as bytes (marshal, version 2: no references, so equal content
    gives equal bytes, and ``1``, ``True`` and ``1.0`` differ); None for what marshal
    cannot write (a dict subclass, say)."""
    try:
        return marshal.dumps(value, 2)
    except ValueError:
        return None


def _snapshot(value: Any) -> Any:
    """A copy of ``value``'s dicts, lists and tuples that shares everything else with it."""
    kind = type(value)
    if kind is dict:
        copy = value.copy()
        for key, item in value.items():
            if type(item) not in _LEAVES:
                copy[key] = _snapshot(item)
        return copy
    if kind is list:
        return [item if type(item) in _LEAVES else _snapshot(item) for item in value]
    if isinstance(value, dict):  # a subclass: a plain copy compares equal to it
        return _snapshot(dict(value))
    if isinstance(value, list):
        return _snapshot(list(value))
    if isinstance(value, tuple):
        return tuple(_snapshot(item) for item in value)
    return value


class Fragments:
    """List pages of the objects ``held`` says the sandbox holds, with their texts kept.

    ``held(obj)`` is asked once per object rendered (not per use of a kept text) and
    by each pruning; ``count()`` says how many objects the sandbox holds, which bounds
    the number of entries (twice that, plus :data:`SLACK`, before a pruning).
    ``renderer`` is ``"orjson"`` (the default when it is installed) or ``"json"``.
    ``objects()``, when given, lists the objects the sandbox holds: whenever the renderer
    becomes ``"json"`` (at once, if it is), they are warmed (:meth:`warm`).
    """

    def __init__(
        self,
        held: Callable[[Any], bool],
        count: Callable[[], int],
        renderer: str = RENDERER,
        *,
        objects: Callable[[], Iterable[Any]] | None = None,
    ) -> None:
        self._held = held
        self._count = count
        self._all = objects
        # By id(obj): the object itself (so that its id cannot be reused while it is
        # kept), its text, and its fingerprint until the second use, its snapshot after.
        self._objects: dict[int, Any] = {}
        self._texts: dict[int, bytes] = {}
        self._prints: dict[int, bytes] = {}
        self._snapshots: dict[int, Any] = {}
        self._limit = SLACK
        self._renderer = "orjson"
        self.renderer = renderer

    @property
    def renderer(self) -> str:
        """What renders the pages: ``"orjson"`` or ``"json"`` (which warms every object)."""
        return self._renderer

    @renderer.setter
    def renderer(self, renderer: str) -> None:
        if renderer not in ("json", "orjson") or (renderer == "orjson" and _orjson is None):
            raise ValueError(f"renderer must be 'json' or an installed 'orjson', not {renderer!r}")
        self._renderer = renderer
        if renderer == "json" and self._all is not None:
            self.warm(self._all())

    def warm(self, objects: Iterable[Any]) -> None:
        """Render and snapshot each of ``objects`` (held by the sandbox) now, so that no
        page renders it while it is unchanged; one already kept unchanged is left as it is.

        Nothing with orjson as the renderer: it renders whole pages, keeping nothing.
        """
        if self._renderer != "json":
            return
        paused = gc.isenabled()
        gc.disable()  # tens of thousands of new dicts, no cycle (see _render_all)
        try:
            for obj in objects:
                key = id(obj)
                if self._objects.get(key) is obj and self._snapshots.get(key) == obj:
                    continue
                snapshot = _snapshot(obj)
                # The text and the snapshot before the object: a page served meanwhile
                # (another thread) finds the object kept only once both are there.
                self._texts[key] = render(snapshot)
                self._snapshots[key] = snapshot
                self._prints.pop(key, None)
                self._objects[key] = obj
        finally:
            if paused:
                gc.enable()
        self._limit = max(self._limit, len(self._objects) + SLACK)

    def page(self, items: Sequence[Any], next_url: str | None) -> bytes:
        """The body of a list answer: ``{"data": [items], "paging": {"next": next_url}}``."""
        if self._renderer == "orjson":
            try:
                body: bytes = _orjson.dumps({"data": items, "paging": {"next": next_url}})
                return body
            except TypeError:  # orjson.JSONEncodeError: what it cannot write, json may
                pass
        chunk = list(items)
        keys = list(map(id, chunk))
        # Every item kept and unchanged: checked for the whole page by C loops (the
        # snapshots compared in one list ==), the texts taken without a call per item.
        if all(map(is_, map(self._objects.get, keys), chunk)) and (
            list(map(self._snapshots.get, keys)) == chunk
        ):
            texts = list(map(self._texts.__getitem__, keys))
        else:
            texts = self._render_all(chunk)
        tail = b'],"paging":{"next":' + render(next_url) + b"}}"
        if not texts:
            return b'{"data":[' + tail
        # One join of the whole body (a page of persons is megabytes): only the first and
        # last texts are copied an extra time, with the head and the tail.
        texts[0] = b'{"data":[' + texts[0]
        texts[-1] += tail
        return b",".join(texts)

    def _render_all(self, chunk: list[Any]) -> list[bytes]:
        """:meth:`render` each item, the cyclic collector paused meanwhile.

        A page's snapshots are tens of thousands of new dicts: without the pause, the
        collections they set off (each a walk through every object of the process)
        cost more than the snapshots themselves. Nothing here makes a cycle.
        """
        paused = gc.isenabled()
        gc.disable()
        try:
            return [self.render(item) for item in chunk]
        finally:
            if paused:
                gc.enable()

    def render(self, obj: Any) -> bytes:
        """The JSON text of ``obj``, kept from an earlier call if it has not changed since."""
        key = id(obj)
        if self._objects.get(key) is obj:
            snapshot = self._snapshots.get(key)
            if snapshot is not None:
                if snapshot == obj:
                    return self._texts[key]
            elif _fingerprint(obj) == self._prints[key]:
                # The second use, unchanged: from now on, compare with a snapshot.
                self._snapshots[key] = _snapshot(obj)
                del self._prints[key]
                return self._texts[key]
        elif not self._held(obj):
            return render(obj)
        elif len(self._objects) >= self._limit:
            self._prune()
        return self._keep(key, obj)

    def _keep(self, key: int, obj: Any) -> bytes:
        """Render ``obj`` and keep the text, with its fingerprint (or else a snapshot)."""
        self._objects[key] = obj
        self._snapshots.pop(key, None)
        # The fingerprint is taken first: a change made meanwhile (by another thread)
        # shows as a different fingerprint at the next use.
        fingerprint = _fingerprint(obj)
        if fingerprint is not None:
            self._prints[key] = fingerprint
            text = self._texts[key] = render(obj)
            return text
        self._prints.pop(key, None)
        snapshot = self._snapshots[key] = _snapshot(obj)
        text = self._texts[key] = render(snapshot)
        return text

    def __len__(self) -> int:
        """How many objects' texts are kept."""
        return len(self._objects)

    def clear(self) -> None:
        """Forget every kept text."""
        for kept in (self._objects, self._texts, self._prints, self._snapshots):
            kept.clear()

    def _prune(self) -> None:
        """Drop the entries of objects the sandbox no longer holds; resize the limit."""
        gone = [key for key, obj in self._objects.items() if not self._held(obj)]
        for key in gone:
            del self._objects[key], self._texts[key]
            self._prints.pop(key, None)
            self._snapshots.pop(key, None)
        self._limit = max(2 * self._count(), len(self._objects)) + SLACK
