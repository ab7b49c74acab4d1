"""Responses with fields or enum values this version does not know parse, and keep them."""

from __future__ import annotations

from tests.support.specs import models

data_models = models("interop-data")
interop_models = models("interop")


def test_unknown_task_action_and_fields_are_kept() -> None:
    """A 3.x Task with an unheard-of action and extra members parses and round-trips."""
    payload = {
        "schema": "3.0",
        "type": "roster_merge_event",
        "id": "8e7d6c5b-4a39-4281-b7a6-958473625140",
        "action": "MERGE",
        "object_type": "persons",
        "priority": "high",
        "data": {"anything": [1, 2, 3]},
    }
    task = data_models.Task.from_dict(payload)
    assert task.action == "MERGE"
    assert task.action.value == "MERGE"
    assert task.action.is_known is False
    assert task.type_ == "roster_merge_event"
    assert task.additional_properties == {"priority": "high"}
    assert task.to_dict() == payload


def test_known_enum_values_are_real_members() -> None:
    """Listed values parse to the enum's own members, so `is` and `is_known` work."""
    task = data_models.Task.from_dict({"action": "CHANGE"})
    assert task.action is data_models.TaskAction.CHANGE
    assert task.action.is_known


def test_unknown_rollover_status_and_nested_fields() -> None:
    """An unheard-of rollover status, type and failure reason are kept exactly."""
    payload = {
        "data": {
            "id": "123e4567-e89b-12d3-a456-426614174000",
            "name": "2026-27",
            "type": "mid_year",
            "status": "paused_by_district",
            "failure_reason": "someNewReason",
            "metadata": {"created": {"by": "admin"}, "updated": None, "source": "ui"},
            "region": "us2",
        }
    }
    response = interop_models.RolloverResponse.from_dict(payload)
    rollover = response.data
    assert (rollover.status.value, rollover.type_.value) == ("paused_by_district", "mid_year")
    assert not rollover.status.is_known
    assert rollover.additional_properties == {"region": "us2"}
    assert response.to_dict() == payload


def test_unknown_fields_deep_inside_a_person() -> None:
    """Extra members at every level of a Person (and its $sys and references) survive."""
    payload = {
        "$sys": {
            "id": "4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d",
            "person_type": "STUDENT",
            "district_flag": True,
        },
        "name": {"first": "Ada", "last": "Lovelace", "preferred": "Ada L."},
        "$schools": [
            {
                "id": "7d1c1a38-0f39-4b75-a2a4-3c3e4b1bb6f1",
                "org_type": "school",
                "$membership": {"status": "Withdrawn", "homeroom": "12B"},
            }
        ],
        "pronouns": "she/her",
    }
    person = data_models.Person.from_dict(payload)
    assert person.sys.person_type == "STUDENT"
    assert not person.sys.person_type.is_known
    assert person.name.additional_properties == {"preferred": "Ada L."}
    assert person.schools[0].membership.status == "Withdrawn"
    assert person.to_dict() == payload


def test_tenant_info_with_nulls_and_unknown_auth_type() -> None:
    """account/cloud/integration may be null; an unknown auth type is kept."""
    payload = {
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "account": None,
        "cloud": None,
        "integration": None,
        "auth": {"type": "mtls", "client_id": "abc"},
    }
    tenant = interop_models.TenantInfo.from_dict(payload)
    assert tenant.account is None
    assert tenant.auth.type_ == "mtls"
    assert tenant.to_dict() == payload


def test_unknown_ingestion_state() -> None:
    """An ingestion state the service adds later parses."""
    ingestion = interop_models.Ingestion.from_dict({"state": "throttled", "type": "bulk_load"})
    assert ingestion.state == "throttled"
    assert ingestion.type_ is interop_models.IngestionType.BULK_LOAD
