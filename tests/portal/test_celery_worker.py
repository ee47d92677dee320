import pytest

from nlk_portal.celery import app

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_started_for_a_test_answers_on_its_own_queue(celery_worker):
    replies = app.control.ping(destination=[celery_worker.node_name], timeout=2)

    assert replies, "the worker started for this test did not answer"
    assert app.conf.task_always_eager is False
    assert app.conf.task_default_queue == celery_worker.queue
