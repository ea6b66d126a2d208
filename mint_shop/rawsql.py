"""Reads in hand-written SQL that answer with the model instances the ORM would build (issue 15).

The two reads on every order attempt (the token check and the placement read) cost several ms of
CPU each when Django builds and compiles their querysets anew on every request. Their SQL is
instead built once per database connection from `Model._meta`, run with `cursor.execute`, and
each column read through the converters the ORM's compiler applies to that field (SQLite, for
one, returns datetimes naive and booleans as integers), so the values are the ORM's own.
"""

import functools
import weakref
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model

# Built per connection object (one per thread): the converters are bound to the connection's `ops`.
_built: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def once_per_connection(build):
    """`build(connection, *args)`, made once for each database connection (and args) and kept while it lives."""

    @functools.wraps(build)
    def built(*args):
        connection = connections[DEFAULT_DB_ALIAS]
        made = _built.setdefault(connection, {})
        key = (build, args)
        if key not in made:
            made[key] = build(connection, *args)
        return made[key]

    return built


def quoted_table(connection, model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def quoted_column(connection, model: type[Model], field_name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field_name).column)


class Selected:
    """A model's concrete columns in a SELECT list under a table alias, and the instance they make."""

    def __init__(self, connection, model: type[Model], alias: str):
        self.model = model
        self.fields: list[Field] = list(model._meta.concrete_fields)
        self.pk_index = self.fields.index(model._meta.pk)
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(field.column)}" for field in self.fields)
        self._names = [field.attname for field in self.fields]
        self._alias = connection.alias

    def build(self, values: Sequence) -> Model:
        """The instance a queryset would make from these values (read by a RowReader)."""
        return self.model.from_db(self._alias, self._names, values)


class RowReader:
    """Reads a row whose columns are `fields`' values, converted as the ORM's compiler converts them."""

    def __init__(self, connection, fields: Sequence[Field]):
        self._connection = connection
        self._converters = []
        for index, field in enumerate(fields):
            column = field.get_col(field.model._meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self._converters.append((index, column, found))

    def read(self, row: Sequence) -> list:
        values = list(row)
        for index, column, converters in self._converters:
            for convert in converters:
                values[index] = convert(values[index], column, self._connection)
        return values
