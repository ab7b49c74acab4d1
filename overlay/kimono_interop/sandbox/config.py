"""The sandbox's settings: data size and seed, credentials, queue rules and fault knobs.

Each setting carries its own description (``Setting``, in its field's metadata): the
``kimono-interop sandbox`` command makes one flag per setting from it, so a new
setting is a new flag with nothing to edit in the command line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

#: The key of a field's metadata that holds its :class:`Setting`.
SETTING = "kimono_interop.setting"


@dataclass(frozen=True)
class Setting:
    """What a setting means and which values it takes, as its flag shows them.

    ``low``/``high`` bound a number (``low_open``: ``low`` itself is refused) and
    ``choices`` lists a string's values, the same limits ``__post_init__`` checks.
    ``no_flag`` says why a setting has no flag (an empty string: it has one).
    """

    help: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] = ()
    no_flag: str = ""


def setting(
    help: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    choices: tuple[str, ...] = (),
) -> dict[str, Setting]:
    """The metadata of a field that is a flag: ``field(default=..., metadata=setting(...))``."""
    return {SETTING: Setting(help, low, high, low_open, choices)}


def no_flag(reason: str) -> dict[str, Setting]:
    """The metadata of a field the command line leaves out, saying why."""
    return {SETTING: Setting(no_flag=reason)}


#: Why ``client_id``/``client_secret`` are no flags of the ``sandbox`` command.
_CREDENTIALS = (
    "the command prints these for clients to use; as flags they would read like the global "
    "--client-id/--client-secret, and a secret on a command line shows in the process list"
)


#: The largest district a sandbox makes (it holds the whole roster in memory).
MAX_STUDENTS = 1_000_000


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

    Each field's metadata holds its :class:`Setting`: its help, and its flag's limits.
    """

    seed: int = field(default=7, metadata=setting("Same seed, same data."))
    students: int = field(
        default=200,
        metadata=setting(
            "Students in the district; teachers, sections and courses scale with it.",
            low=0,
            high=MAX_STUDENTS,
        ),
    )
    schools: int = field(default=3, metadata=setting("Schools.", low=1))
    tenants: int = field(
        default=1,
        metadata=setting(
            "Tenants served by the vendor account, each with its own task queue.", low=1
        ),
    )
    client_id: str = field(default="sandbox-client", metadata=no_flag(_CREDENTIALS))
    client_secret: str = field(default="sandbox-secret", metadata=no_flag(_CREDENTIALS))
    token_lifetime: float = field(
        default=3600.0, metadata=setting("Seconds an access token lives.", low=0, low_open=True)
    )
    task_schema: str = field(
        default="3.0",
        metadata=setting("Schema of the queued tasks: 3.0, 2.0, or 1.0 (camelCase members)."),
    )
    initial_sync: bool = field(
        default=True,
        metadata=setting(
            "Start each tenant's queue with an initial sync, grades queries and "
            "authentication requests."
        ),
    )
    grades_queries: int = field(
        default=2, metadata=setting("Grades queries queued per tenant after its sync.", low=0)
    )
    authenticate_requests: int = field(
        default=1,
        metadata=setting("Authentication requests queued per tenant after its sync.", low=0),
    )
    references: str = field(
        default="nested",
        metadata=setting(
            "References nested under $sys, or in the 2019 flat form.", choices=("nested", "flat")
        ),
    )
    orgs_without_sys: bool = field(
        default=False,
        metadata=setting(
            "Serve orgs with a top-level id and no $sys, as the vendor's current Orgs example."
        ),
    )
    bare_single_reads: bool = field(
        default=False,
        metadata=setting(
            "Answer findLEA, findPerson, findCourse, findSection and findTerm with the "
            "bare object, as every vendor artifact shows, instead of {data}."
        ),
    )
    ack_timeout: float = field(
        default=30.0,
        metadata=setting(
            "Seconds before unacknowledged tasks are delivered again.", low=0, low_open=True
        ),
    )
    duplicate_rate: float = field(
        default=0.0,
        metadata=setting("Share of acked tasks delivered again.", low=0.0, high=1.0),
    )
    latency: float = field(default=0.0, metadata=setting("Seconds added to answers.", low=0))
    error_rate: float = field(
        default=0.0, metadata=setting("Share of 500/502/503 answers.", low=0.0, high=1.0)
    )
    rate_limit_rate: float = field(
        default=0.0, metadata=setting("Share of 429 answers.", low=0.0, high=1.0)
    )
    retry_after: float = field(
        default=1.0, metadata=setting("Retry-After of the 429 answers.", low=0)
    )
    drop_rate: float = field(
        default=0.0, metadata=setting("Share of dropped connections.", low=0.0, high=1.0)
    )
    fault_token: bool = field(
        default=False, metadata=setting("Let the faults hit the token endpoint too.")
    )
    school_year: int = field(
        default=2026,
        metadata=setting("The school year of the data (2026: 2025-2026).", low=2, high=9999),
    )
    extra: dict[str, object] = field(
        default_factory=dict,
        metadata=no_flag("free-form knobs for tests (ingestion_seconds); a flag cannot say a dict"),
    )

    def __post_init__(self) -> None:
        for each in fields(self):
            value = getattr(self, each.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{each.name} must be a finite number, got {value}")
        if not 2 <= self.school_year <= 9999:  # its first year (school_year - 1) is a date's
            raise ValueError(f"school_year must be between 2 and 9999, got {self.school_year}")
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
        if self.students > MAX_STUDENTS:
            # (the whole roster is made, and rendered, before the sandbox serves: more
            # would grow silently, with no word, until memory ran out)
            raise ValueError(
                f"students must be at most {MAX_STUDENTS:,} (got {self.students:,}): the "
                "sandbox makes the whole roster in memory before it serves"
            )
        for name in ("error_rate", "rate_limit_rate", "drop_rate", "duplicate_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        for name in ("token_lifetime", "ack_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")
        if self.latency < 0 or self.retry_after < 0:
            raise ValueError("latency and retry_after must be >= 0")
