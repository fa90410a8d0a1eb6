type Item = Record<string, unknown>;
type Page = { Items?: Item[]; LastEvaluatedKey?: Item };

/**
 * Every item of a Query or Scan, page after page. The ops CLI reads raw items (sealed fields
 * stay sealed, erase deletes exactly what is stored), so it does not use the repositories'
 * entity-parsing `queryAll`.
 *
 * @example await allItems((ExclusiveStartKey) => doc.send(new QueryCommand({ ...input, ExclusiveStartKey })))
 */
/** `T` names the projected shape the caller asked for; items are not parsed. */
export async function allItems<T = Item>(fetchPage: (startKey: Item | undefined) => Promise<Page>): Promise<T[]> {
  const items: T[] = [];
  let startKey: Item | undefined;
  do {
    const page = await fetchPage(startKey);
    items.push(...((page.Items ?? []) as T[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
