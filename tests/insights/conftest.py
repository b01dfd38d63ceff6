import pytest
from django.test import Client


@pytest.fixture
def trainer_client(trainer):
    client = Client()
    client.force_login(trainer)
    return client
