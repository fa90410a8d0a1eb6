type Item = Record<string, unknown>;
type Page = { Items?: Item[]; LastEvaluatedKey?: Item };
type FetchPage = (startKey: Item | undefined) => Promise<Page>;

/**
 * The pages of a Query or Scan one at a time, each fetched when the caller asks for it: the
 * caller holds one page, never the whole result (`eraseUser` deletes each page's items before
 * reading the next). The ops CLI reads raw items (sealed fields stay sealed, erase deletes
 * exactly what is stored), so it does not use the repositories' entity-parsing `queryAll`.
 *
 * @example for await (const page of pagesOf((ExclusiveStartKey) => doc.send(new ScanCommand({ ...input, ExclusiveStartKey })))) use(page)
 */
export async function* pagesOf<T = Item>(fetchPage: FetchPage): AsyncGenerator<T[]> {
  let startKey: Item | undefined;
  do {
    const page = await fetchPage(startKey);
    yield (page.Items ?? []) as T[];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/**
 * Every item of a Query or Scan, page after page, in memory: for results the caller needs
 * whole (a user's connections, an export). `T` names the projected shape the caller asked for;
 * items are not parsed.
 *
 * @example await allItems((ExclusiveStartKey) => doc.send(new QueryCommand({ ...input, ExclusiveStartKey })))
 */
export async function allItems<T = Item>(fetchPage: FetchPage): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pagesOf<T>(fetchPage)) items.push(...page);
  return items;
}
