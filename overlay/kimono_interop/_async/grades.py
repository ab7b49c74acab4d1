"""Grades: the tenant's grading categories (Interop Data API, ``/grades``)."""

from __future__ import annotations

from kimono_interop_data_api.api.grades import list_grading_categories
from kimono_interop_data_api.models import GradingCategory

from .._base_client import NOT_GIVEN, Timeout
from .._pagination import AsyncPager
from ._resource import AsyncResource


class AsyncGrades(AsyncResource):
    """Grading categories."""

    def list_grading_categories(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> AsyncPager[GradingCategory]:
        """Every Grading Category."""
        return self._list(
            self._data,
            list_grading_categories,
            GradingCategory.from_dict,
            page_size=page_size,
            timeout=timeout,
        )
