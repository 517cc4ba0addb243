import pytest


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_debug():
    from django.db import connection

    from zichtbaar.moments.models import MomentType
    c = getattr(connection, "_test_serialized_contents", None)
    print("SERIALIZED", None if c is None else len(c), "moment types" , MomentType.objects.count(), "momenttype" in (c or ""))
