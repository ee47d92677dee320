# The ILL tests' fixtures: the fee schedule in force, a MEDIA_ROOT of the test's own, fresh rate limits.
from tests.ill.conftest import fresh_rate_limits, private_media, source_fee_schedule  # noqa: F401
