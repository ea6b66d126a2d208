"""`make run`'s localstripe keeps its state in a file of its own, never the machine-wide /tmp one."""

import pickle

import requests

from tests.conftest import LocalStripe

AUTH = {"Authorization": "Bearer sk_test_localstripe"}


def test_localstripe_keeps_its_state_in_the_file_it_is_given_and_finds_it_again(tmp_path):
    state = tmp_path / "localstripe.pickle"
    server = LocalStripe(state, from_scratch=False)  # as `make run` starts it
    server.start()
    try:
        customer = requests.post(
            f"{server.url}/v1/customers", data={"email": "ada@example.com"}, headers=AUTH, timeout=10
        ).json()
    finally:
        server.stop()
    with state.open("rb") as f:
        assert any(customer["id"] in key for key in pickle.load(f))
    assert not list(tmp_path.glob(".localstripe-*"))  # written whole, then renamed into place

    server.start()
    try:
        found = requests.get(f"{server.url}/v1/customers/{customer['id']}", headers=AUTH, timeout=10)
        assert found.json()["email"] == "ada@example.com"
    finally:
        server.stop()
