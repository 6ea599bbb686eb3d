from __future__ import annotations

import pytest

from gemis.core.versioning import ConflictError
from gemis.orgs.testing import make_unit

pytestmark = pytest.mark.django_db


def test_save_checked_bumps_the_version_and_keeps_history():
    unit = make_unit("Tỉnh Thử")
    unit.short_name = "Thử"
    unit.save_checked(expected_version=1)
    unit.refresh_from_db()
    assert unit.version == 2
    assert unit.history.count() == 2


def test_stale_save_is_refused_and_the_row_is_untouched():
    unit = make_unit("Tỉnh Thử")
    first, second = type(unit).objects.get(pk=unit.pk), type(unit).objects.get(pk=unit.pk)
    first.short_name = "Một"
    first.save_checked(expected_version=1)
    second.short_name = "Hai"
    with pytest.raises(ConflictError) as caught:
        second.save_checked(expected_version=1)
    assert caught.value.current_version == 2
    unit.refresh_from_db()
    assert unit.short_name == "Một"
