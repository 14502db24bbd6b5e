"""Database expressions the metrics need, with a PostgreSQL and a portable (SQLite) form."""

from django.db.models import DateField, Func, IntegerField, Value

from .constants import HANDLE_BUCKET_EDGES


class HandleSeconds(Func):
    """Whole seconds between two timestamps (end - start), rounded; NULL when either is NULL."""

    output_field = IntegerField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra):
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"(ROUND(EXTRACT(EPOCH FROM ({end[0]} - {start[0]}))))::integer"
        return sql, (*end[1], *start[1])

    def as_sql(self, compiler, connection, **extra):
        # SQLite stores timestamps as ISO text in UTC; julianday() parses them.
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"CAST(ROUND((julianday({end[0]}) - julianday({start[0]})) * 86400.0) AS INTEGER)"
        return sql, (*end[1], *start[1])


class HandleBucket(Func):
    """Index of the handle-time histogram bucket (constants.HANDLE_BUCKET_EDGES) of a number of
    seconds; NULL for NULL."""

    output_field = IntegerField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        edges = ",".join(str(e) for e in HANDLE_BUCKET_EDGES)
        return f"(width_bucket({sql}, ARRAY[{edges}]::integer[]) - 1)", params

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        whens = " ".join(f"WHEN {sql} < {edge} THEN {i - 1}" for i, edge in enumerate(HANDLE_BUCKET_EDGES) if i > 0)
        return f"(CASE WHEN {sql} IS NULL THEN NULL {whens} ELSE {len(HANDLE_BUCKET_EDGES) - 1} END)", tuple(params) * len(HANDLE_BUCKET_EDGES)


class AddDays(Func):
    """A date plus a whole number of days."""

    output_field = DateField()
    arity = 2

    def __init__(self, expression, days: int, **extra):
        super().__init__(expression, Value(int(days)), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        expr, days = self.get_source_expressions()
        sql, params = compiler.compile(expr)
        return f"(({sql})::date + {int(days.value)})", params

    def as_sql(self, compiler, connection, **extra):
        expr, days = self.get_source_expressions()
        sql, params = compiler.compile(expr)
        return f"date({sql}, '{int(days.value):+d} days')", params
