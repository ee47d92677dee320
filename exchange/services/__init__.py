"""What the exchange app writes beyond the admin's own saving: the monthly report, sent once a month."""
