"""Runs moto server for the project and exits when its parent goes away.

The Node launcher keeps our stdin open; when that process ends for any reason (exit, Ctrl-C,
SIGKILL) the pipe closes and this watchdog stops the server, so no emulator is left orphaned.

It also replaces moto's rollback for TransactWriteItems (see _fast_transactions), unless
EXPENZEZ_MOTO_FAST_TRANSACTIONS=0, reads only the asked partition for a Query of a table's own
key (see _partition_queries), unless EXPENZEZ_MOTO_FAST_QUERIES=0, and makes DynamoDB's
conditional writes atomic (see _atomic_writes).
"""
import copy
import os
import sys
import threading


def _exit_when_parent_is_gone() -> None:
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def _fast_transactions() -> None:
    """moto (5.2.x) deep-copies the whole table once per action of a TransactWriteItems call,
    to roll back on failure: a 100-action transaction on a 5,000-item table takes seconds. We
    keep an undo log of just the items the transaction touches instead, and let moto's own
    table "backup" be the live table (its rollback then reassigns the same object: a no-op).
    Behaviour is unchanged: all-or-nothing, same errors. Worth offering upstream."""
    import moto.dynamodb.models as models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class _TablesAreNotCopied:
        # moto.dynamodb.models uses copy.deepcopy only for the transaction backup and for an
        # item in update_item; the latter keeps the real deepcopy.
        @staticmethod
        def deepcopy(value, memo=None):
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = _TablesAreNotCopied
    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        undo = []
        seen = set()
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            key = op.get("Item") if "Item" in op else op.get("Key")
            if table is None or not isinstance(key, dict) or table.hash_key_attr not in key:
                continue  # moto raises for these itself, before writing anything
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr and table.range_key_attr in key else None
            ident = (id(table), hash_key, range_key)
            if ident in seen:
                continue
            seen.add(ident)
            if table.range_key_attr:
                before = table.items.get(hash_key, {}).get(range_key)
            else:
                before = table.items.get(hash_key)
            undo.append((table, hash_key, range_key, copy.deepcopy(before)))
        try:
            return original(self, transact_items)
        except BaseException:
            for table, hash_key, range_key, before in reversed(undo):
                if table.range_key_attr:
                    if before is None:
                        table.items.get(hash_key, {}).pop(range_key, None)
                    else:
                        table.items[hash_key][range_key] = before
                elif before is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = before
            raise

    DynamoDBBackend.transact_write_items = transact_write_items


def _partition_queries() -> None:
    """moto (5.2.x) answers every Query by sorting the whole table (Table.all_items) and then
    filtering on the hash key: a user's five accounts cost a pass over every transaction of
    every user. DynamoDB reads one partition. For a Query on the table's own key (not an index)
    we hand moto's query the asked partition only, sorted as all_items sorts it; everything
    after (range conditions, order, paging, filters, projections) is moto's own code.
    Index queries are unchanged (an index's partitions are not stored apart)."""
    from moto.dynamodb.models.table import Table

    local = threading.local()
    all_items = Table.all_items
    query = Table.query

    def partition_items(self):
        hint = getattr(local, "partition", None)
        if hint is None or hint[0] is not self:
            return all_items(self)
        found = self.items.get(hint[1])
        if not found:
            return []
        return sorted(found.values(), key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)

    def partition_query(self, hash_key, *args, **kwargs):
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        if index_name is not None or hash_key is None or not self.range_key_attr:
            return query(self, hash_key, *args, **kwargs)
        local.partition = (self, hash_key)
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            local.partition = None

    Table.all_items = partition_items
    Table.query = partition_query


def _atomic_writes() -> None:
    """moto serves requests on threads but does not lock DynamoDB writes, so two conditional
    updates of one item can both pass their condition (seen: two workers both took one sync
    lease in 7 of 30 tries). DynamoDB serialises writes to an item; one lock over moto's write
    paths gives the same guarantee here, so lease and version tests mean what they say."""
    import functools

    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        method = getattr(DynamoDBBackend, name)

        def locked(self, *args, __method=method, **kwargs):
            with lock:
                return __method(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, functools.wraps(method)(locked))


if __name__ == "__main__":
    threading.Thread(target=_exit_when_parent_is_gone, daemon=True).start()
    if os.environ.get("EXPENZEZ_MOTO_FAST_TRANSACTIONS", "1") != "0":
        _fast_transactions()
    if os.environ.get("EXPENZEZ_MOTO_FAST_QUERIES", "1") != "0":
        _partition_queries()
    _atomic_writes()
    from moto.server import main

    main(sys.argv[1:])
