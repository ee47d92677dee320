"""What the exchange pages and reports read from the records: the cooperation page, headline figures,
the Window on Korea supply plan and the business exchange cadence."""
