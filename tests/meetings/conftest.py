"""Staff accounts in the two roles, for the tests of curation."""

import pytest
from django.contrib.auth.models import Group, User


def make_user(role: str) -> User:
    user = User.objects.create_user(role.lower(), password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def curator():
    return make_user("Curator")


@pytest.fixture
def editor():
    return make_user("Editor")
