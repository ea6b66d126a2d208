"""New rows written with an INSERT built once per model, and their history rows (issue 15).

`Model.objects.create` compiles its INSERT through the ORM on every call, and simple-history's
post_save builds and saves the history row the same way (making a new manager class on each
`.history`): a fifth of an accepted order's CPU went there (bench/README.md). `rows_create` writes exactly what
`create` writes, the history row included, from public API only (`_meta.concrete_fields`,
`Field.pre_save`/`get_db_prep_save`/`column`, `connection.ops`, `cursor.execute`).

What it leaves out, so only models that need none of it may use it: the pre_save/post_save
signals (no receiver but simple-history's listens to the models written here; a test pins that),
expressions as values, and unsaved related objects (save them first). Models with their own
`save()`, multi-table inheritance or database defaults are refused. Rows go to the default
database, as every service's `transaction.atomic()` does.

On PostgreSQL the rows and their history rows are one statement (a data-modifying WITH): the
history row's tracked columns are copied from the row the INSERT returns, so it carries exactly
what was stored, and its own columns (date, type, user, reason) are parameters given once for the
call. That needs those values to be the same for every object of the call; when they are not,
or some objects skip history, or on SQLite (no INSERT inside WITH), the rows and the history rows
are two statements, as before.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object, get_history_model_for_model


@dataclass(frozen=True)
class _Insert:
    fields: tuple  # the columns written, in order
    head: str  # INSERT INTO "table" ("a", "b")
    row: str  # (%s, %s)
    returning: str  # RETURNING "id", or "" when the row brings its own key


@functools.cache
def _insert(model: type[models.Model], vendor: str) -> _Insert:
    """The statement for one model and database vendor, built once (the vendor quotes the names)."""
    meta = model._meta
    if (
        model.save is not models.Model.save
        or meta.parents
        or meta.proxy
        or any(f.has_db_default() or f.generated or hasattr(f, "get_placeholder") for f in meta.concrete_fields)
    ):
        raise TypeError(f"{meta.label}: rows_create writes only plain tables (no save(), database default, SQL value)")
    pk = meta.pk
    generated_key = isinstance(pk, models.AutoField)
    fields = tuple(f for f in meta.concrete_fields if not (generated_key and f is pk))
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    # Only the model's own table and column names, quoted by the backend, go into the SQL; values are parameters.
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "  # nosec B608
    return _Insert(
        fields=fields,
        head=head,
        row=f"({', '.join(['%s'] * len(fields))})",
        returning=f" RETURNING {quote(pk.column)}" if generated_key else "",
    )


@functools.cache
def _history_model(model: type[models.Model]):
    """The model's simple-history table, or None; asked once (each `.history` builds a manager class)."""
    return get_history_model_for_model(model) if hasattr(model._meta, "simple_history_manager_attribute") else None


@dataclass(frozen=True)
class _InsertWithHistory:
    rows: _Insert  # the model's own INSERT, its fields and row placeholders
    head: str  # WITH new_rows AS (INSERT INTO "table" ("a", "b") VALUES
    tail: str  # RETURNING ..., the history INSERT ... SELECT from the new rows, and their keys in order
    history_fields: tuple  # the history columns given as parameters (date, type, user, reason), in order


# The history columns given once for the whole call; any other (a UUID history key, a field added
# through `bases`) could need a value per row, so a history table with one keeps the two statements.
_SHARED_HISTORY_FIELDS = {"history_date", "history_type", "history_change_reason", "history_user", "history_user_id"}


@functools.cache
def _insert_with_history(model: type[models.Model], history_model, vendor: str) -> _InsertWithHistory | None:
    """One statement writing the rows and their history rows, built once (PostgreSQL: INSERT inside WITH).

    The history row's copies of the tracked fields, and its relation to the row if it has one, are
    read from the new row; its key is the database's; the other history columns are parameters.
    None when the history table has a column that is none of these.
    """
    rows = _insert(model, vendor)
    _insert(history_model, vendor)  # the same refusals for the history table
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    history_meta = history_model._meta
    copied = {history_meta.get_field(f.attname).column: f.column for f in history_model.tracked_fields}
    if hasattr(history_model, "history_relation"):
        copied[history_meta.get_field("history_relation").column] = model._meta.pk.column
    history_fields = tuple(
        f for f in history_meta.concrete_fields if not isinstance(f, models.AutoField) and f.column not in copied
    )
    if any(f.name not in _SHARED_HISTORY_FIELDS for f in history_fields):
        return None
    columns = [*copied, *(f.column for f in history_fields)]
    selected = [f"new_rows.{quote(column)}" for column in copied.values()] + ["%s"] * len(history_fields)
    # Only table and column names from the models, quoted by the backend, go into the SQL; values are parameters.
    tail = (
        f" RETURNING *), new_history AS (INSERT INTO {quote(history_meta.db_table)} "  # nosec B608
        f"({', '.join(quote(c) for c in columns)}) SELECT {', '.join(selected)} FROM new_rows) "
        f"SELECT new_rows.{quote(model._meta.pk.column)} FROM new_rows"
    )
    # The outer SELECT reads the CTE in the order the INSERT returned its rows, the order the keys were
    # read in before (and by Django's bulk_create): the INSERT runs to completion whether or not it is read.
    return _InsertWithHistory(
        rows=rows, head=f"WITH new_rows AS ({rows.head}", tail=tail, history_fields=history_fields
    )


def _values(fields: tuple, obj: models.Model, connection) -> list:
    return [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]


def _refuse_given_keys(statement: _Insert, objs: list) -> None:
    if statement.returning and any(obj.pk is not None for obj in objs):
        raise ValueError(f"{objs[0]._meta.label}: the database gives the key; a new row brings none")


def _give_keys(objs: list, keys: list, connection) -> None:
    """The objects are now saved rows: their keys, and Django's saved state."""
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding, obj._state.db = False, connection.alias


def _write(model: type[models.Model], objs: list) -> None:
    """INSERT the objects, as few statements as the database allows, and give each its key."""
    # The connection itself, not django.db.connection: every attribute of that proxy is a thread-local
    # look-up, and preparing an order's 180 values asks for one each (5 % of an order's CPU).
    connection = connections[DEFAULT_DB_ALIAS]
    statement = _insert(model, connection.vendor)
    _refuse_given_keys(statement, objs)
    features = connection.features
    returning = statement.returning if features.can_return_columns_from_insert else ""
    if statement.returning and not (returning and features.can_return_rows_from_bulk_insert):
        size = 1  # each new key is read back on its own
    else:
        size = connection.ops.bulk_batch_size(statement.fields, objs) or len(objs)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params = [value for obj in batch for value in _values(statement.fields, obj, connection)]
            cursor.execute(statement.head + ", ".join([statement.row] * len(batch)) + returning, params)
            if returning:
                keys = [row[0] for row in cursor.fetchall()]
            elif statement.returning:
                keys = [connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)]
            else:
                keys = [obj.pk for obj in batch]
            _give_keys(batch, keys, connection)


def _history_rows(history_model, objs: list) -> list:
    """The rows simple-history's post_save writes on a create: same user, reason, date and fields."""
    now = timezone.now()
    return [
        history_model(
            history_date=getattr(obj, "_history_date", now),
            history_type="+",
            history_user=history_model.get_default_history_user(obj),  # the request's user, as the middleware gives it
            history_change_reason=get_change_reason_from_object(obj),
            **{field.attname: getattr(obj, field.attname) for field in history_model.tracked_fields},
            **({"history_relation_id": obj.pk} if hasattr(history_model, "history_relation") else {}),
        )
        for obj in objs
        if not hasattr(obj, "skip_history_when_saving")
    ]


_AT_WRITING = object()  # no `_history_date` on the object: dated when written


def _write_with_history(model: type[models.Model], history_model, objs: list) -> bool:
    """Write the rows and their history rows in one statement, and give each object its key.

    False, with nothing written, where that cannot be done: not PostgreSQL, some object skipping
    history, objects whose history date, user or change reason differ (each is one parameter), or
    a history table with a column of its own beyond those.
    """
    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: see _write
    if connection.vendor != "postgresql" or any(hasattr(obj, "skip_history_when_saving") for obj in objs):
        return False
    statement = _insert_with_history(model, history_model, connection.vendor)
    if statement is None:
        return False
    per_row = [
        (
            getattr(obj, "_history_date", _AT_WRITING),
            history_model.get_default_history_user(obj),
            get_change_reason_from_object(obj),
        )
        for obj in objs
    ]
    if any(values != per_row[0] for values in per_row[1:]):
        return False
    history_date, history_user, change_reason = per_row[0]
    _refuse_given_keys(statement.rows, objs)
    # auto_now_add is set here, before the history date is taken
    params = [value for obj in objs for value in _values(statement.rows.fields, obj, connection)]
    if history_date is _AT_WRITING:
        history_date = timezone.now()  # after the rows' own timestamps, as simple-history's post_save dates it
    history = history_model(
        history_date=history_date,
        history_type="+",
        history_user=history_user,
        history_change_reason=change_reason,
    )
    params += _values(statement.history_fields, history, connection)
    sql = statement.head + ", ".join([statement.rows.row] * len(objs)) + statement.tail
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        _give_keys(objs, [row[0] for row in cursor.fetchall()], connection)
    return True


def rows_create(objs: list[models.Model]) -> list[models.Model]:
    """Write new instances of one model as `create` would, each with its history row if the model keeps one.

    On PostgreSQL one statement for the rows and their history rows when the history rows share
    their date, user and change reason (the usual case: one request's objects); otherwise one
    INSERT for the rows and one for their history rows. In the caller's transaction.
    """
    if not objs:
        return objs
    model = type(objs[0])
    history_model = _history_model(model)
    if history_model is None or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _write(model, objs)
        return objs
    if _write_with_history(model, history_model, objs):
        return objs
    _write(model, objs)
    history = _history_rows(history_model, objs)
    if history:
        _write(history_model, history)
    return objs


def row_create(obj: models.Model) -> models.Model:
    """`rows_create` for one new instance; returns it, with its key."""
    return rows_create([obj])[0]
