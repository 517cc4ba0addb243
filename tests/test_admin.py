import pytest

from zichtbaar.orgs.models import User


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/orgs/user/",
        "/admin/orgs/organisation/",
        "/admin/orgs/membership/",
        "/admin/moments/moment/",
        "/admin/moments/momenttype/",
        "/admin/sharing/share/",
        "/admin/sharing/trackedlink/",
        "/admin/orgs/user/add/",
    ],
)
def test_operator_admin_pages_open(client, db, url, bob, make_moment):
    make_moment()
    operator = User.objects.create_superuser("op@zichtbaar.test", "pw-operator-123")
    client.force_login(operator)
    assert client.get(url).status_code == 200
