"""The portal's settings, with a constant page to measure the server against and no rate limits.

A load test comes from one address, which the public endpoints' (and ISO 18626's) rate limits
would stop after a few requests; the benchmark measures the work behind them.
"""

from nlk_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ILL_QUOTE_RATE = "100000000/m"
ILL_SUBMIT_RATE = "100000000/m"
ILL_ISO18626_RATE = "100000000/m"
