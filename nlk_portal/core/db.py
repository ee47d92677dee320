"""SQL that Django does not spell the same way on PostgreSQL and SQLite, and a lock by name."""

from collections.abc import Sequence
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, FloatField, Func, TextField
from django.db.models.sql.compiler import SQLCompiler


class DaysBetween(Func):
    """Days from the first moment to the second, to a tenth of a day."""

    output_field = FloatField()
    arity = 2

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, Any]:
        template = "ROUND((EXTRACT(EPOCH FROM (%(expressions)s)) / 86400)::numeric, 1)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, Any]:
        template = "ROUND(julianday(%(expressions)s), 1)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=") - julianday(", **extra)


class AddMonths(Func):
    """A moment `months` calendar months later."""

    arity = 1

    def __init__(self, expression: Any, months: int, **extra: Any) -> None:
        self.months = int(months)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, Any]:
        template = f"(%(expressions)s + INTERVAL '{self.months} months')"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, Any]:
        # Text as Django stores it, compared as text; no % in the SQL, which Django formats again.
        template = f"datetime(%(expressions)s, '+{self.months} months')"
        return self.as_sql(compiler, connection, template=template, **extra)


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the value at `fraction`, interpolated between neighbours."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The same interpolation as percentile_cont, for databases without it; `values` sorted."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


class SpaceSeparated(Func):
    """PostgreSQL's string_to_array(column, ' '): the words of a column written with spaces between them.

    Spelled exactly as an expression index over the column is (ill's 0018_search_grams), with the
    separator in the SQL rather than a parameter, so that PostgreSQL matches the two and uses the index:
    `.alias(words=SpaceSeparated("column")).filter(words__contains=["word"])` is `@>` on a GIN index.
    """

    arity = 1
    template = "string_to_array(%(expressions)s, ' ')"
    output_field = ArrayField(TextField())


def hold_lock(name: str) -> None:
    """Wait for, then hold until the transaction ends, the lock called `name`: whoever asks for the same
    name next waits for this transaction to commit or roll back, and then reads what it wrote.

    On PostgreSQL a transaction-level advisory lock; SQLite lets one writer at a time in, so it takes none.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("hold_lock() is held until the transaction ends: open one.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])
