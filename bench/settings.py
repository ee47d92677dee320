"""The portal's settings, with a constant page to measure the server against, no rate limits and no mail.

A load test comes from one address, which the public endpoints' (and ISO 18626's) rate limits
would stop after a few requests; the benchmark measures the work behind them.
Its emails are dropped, or kept in a folder (BENCH_EMAIL_URL), where the
portal's production settings accept only a server that sends them.
"""

from nlk_portal.settings import *  # noqa: F403

vars().update(env.email_url("BENCH_EMAIL_URL", default="dummymail://"))  # noqa: F405

ROOT_URLCONF = "bench.urls"
ILL_QUOTE_RATE = "100000000/m"
ILL_SUBMIT_RATE = "100000000/m"
ILL_ISO18626_RATE = "100000000/m"
ILL_ISO18626_PEER_RATE = "100000000/m"
