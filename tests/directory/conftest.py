from tests.standins.pytest_fixtures import *  # noqa: F403
