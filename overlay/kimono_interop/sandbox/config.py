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
    again; ``duplicate_rate`` of acknowledged tasks are delivered once more.
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
