"""A lock by name: held until the transaction ends, so whoever asks for the same name waits."""

import threading
import time

import pytest
from django.db import connection, transaction

from nlk_portal.core.db import hold_lock


@pytest.mark.django_db(transaction=True)
def test_the_lock_is_only_taken_inside_a_transaction():
    with transaction.atomic():
        hold_lock("acknowledgements:ill@example.org")

    with pytest.raises(transaction.TransactionManagementError):
        hold_lock("acknowledgements:ill@example.org")


@pytest.mark.django_db(transaction=True)
def test_the_same_name_waits_for_the_transaction_holding_it_and_another_name_does_not():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes no lock by name; CI runs this on PostgreSQL")
    order, held = [], threading.Event()

    def holder():
        with transaction.atomic():
            hold_lock("a")
            held.set()
            time.sleep(0.5)
            order.append("holder done")
        connection.close()

    def asker(name):
        held.wait()
        with transaction.atomic():
            hold_lock(name)
            order.append(f"{name} taken")
        connection.close()

    threads = [threading.Thread(target=holder), threading.Thread(target=asker, args=["b"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert order == ["b taken", "holder done"]

    order.clear()
    held.clear()
    threads = [threading.Thread(target=holder), threading.Thread(target=asker, args=["a"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert order == ["holder done", "a taken"]
