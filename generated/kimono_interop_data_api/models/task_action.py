from enum import Enum


class TaskAction(str, Enum):
    """Known values of ``TaskAction``; the set is open.

    A value this version does not list still parses: it becomes a pseudo-member
    whose ``value`` is the exact string the server sent, so it is kept and written
    back unchanged by ``to_dict()``. Compare with ``==`` or ``.value``, and use
    ``is_known`` to tell listed values from new ones.
    """

    ADD = "ADD"
    CHANGE = "CHANGE"
    DELETE = "DELETE"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    SET = "SET"
    SYNC_END = "SYNC_END"
    SYNC_START = "SYNC_START"
    TENANT_ACTIVATED = "TENANT_ACTIVATED"
    TENANT_INSTALLED = "TENANT_INSTALLED"
    TENANT_UNINSTALLED = "TENANT_UNINSTALLED"
    UNSET = "UNSET"
    UPDATE = "UPDATE"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """Whether the value is one this version of the spec lists."""
        return self._value_ in type(self)._value2member_map_

    @classmethod
    def _missing_(cls, value: object) -> "TaskAction | None":
        if not isinstance(value, str):
            return None
        pseudo_member = str.__new__(cls, value)
        pseudo_member._name_ = value
        pseudo_member._value_ = value
        return pseudo_member
