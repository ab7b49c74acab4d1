"""The sandbox's settings: data size and seed, credentials, queue rules and fault knobs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SandboxConfig:
    """Everything the sandbox can be told. The defaults give a small, fault-free district.

    Data: ``students`` (teachers, sections and courses scale with it), ``schools``,
    ``tenants`` and ``seed`` (same seed, same data, same ids).
    Credentials: the vendor account (``client_id``/``client_secret``, also accepted
    as HTTP Basic on the Interop API); each tenant gets its own, listed in
    ``GET /tenants``. Tokens live ``token_lifetime`` seconds.
    Queue: ``ack_timeout`` seconds before an unacknowledged batch is delivered
    again; ``duplicate_rate`` of acknowledged tasks are delivered once more. After
    the initial sync each tenant's queue holds ``grades_queries`` grades queries and
    ``authenticate_requests`` authentication requests, as the real queue can.
    Shapes the public sources disagree on (spec/ says which): ``task_schema``
    (``1.0`` camelCase members, ``2.0``, ``3.0``), ``references`` (``nested`` under
    ``$sys``, or the 2019 ``flat`` form), ``orgs_without_sys`` (orgs with a
    top-level ``id`` and no ``$sys``, as the vendor's current Orgs example), and
    ``bare_single_reads`` (findLEA, findPerson, findCourse, findSection and findTerm
    answer the bare object, as every vendor artifact shows, instead of ``{data}``).
    Faults (all off by default): ``latency`` seconds added to each answer,
    ``error_rate`` share of 500/502/503 answers, ``rate_limit_rate`` share of 429
    answers with ``Retry-After: retry_after``, ``drop_rate`` share of connections
    dropped mid-answer. Faults never hit the token endpoint unless ``fault_token``.
    """

    seed: int = 7
    students: int = 200
    schools: int = 3
    tenants: int = 1
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    token_lifetime: float = 3600.0
    task_schema: str = "3.0"
    initial_sync: bool = True
    grades_queries: int = 2
    authenticate_requests: int = 1
    references: str = "nested"
    orgs_without_sys: bool = False
    bare_single_reads: bool = False
    ack_timeout: float = 30.0
    duplicate_rate: float = 0.0
    latency: float = 0.0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    retry_after: float = 1.0
    drop_rate: float = 0.0
    fault_token: bool = False
    school_year: int = 2026
    extra: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.references not in ("nested", "flat"):
            raise ValueError(f"references must be 'nested' or 'flat', got {self.references!r}")
        if self.task_schema.split(".")[0] not in ("1", "2", "3"):
            raise ValueError(f"task_schema must be 1.x, 2.x or 3.x, got {self.task_schema!r}")
        for name in ("grades_queries", "authenticate_requests"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be an int >= 0")
        for name in ("students", "schools", "tenants"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < (0 if name == "students" else 1):
                raise ValueError(f"{name} must be an int >= {0 if name == 'students' else 1}")
        for name in ("error_rate", "rate_limit_rate", "drop_rate", "duplicate_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        for name in ("token_lifetime", "ack_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")
        if self.latency < 0 or self.retry_after < 0:
            raise ValueError("latency and retry_after must be >= 0")
