import type { PageCtx } from '../page';

/** The orders a sortable column can be read in: its name, and its name with a leading minus. */
export interface SortableColumn {
  /** the list's sort key for this column, ascending (e.g. 'number'); '-number' is its reverse */
  key: string;
  label: string;
  num?: boolean;
  /** the first click sorts descending (newest, largest first) */
  descendingFirst?: boolean;
}

/**
 * A column header that sorts the table by itself: a link to the same list in that order (the
 * filters kept, the cursor dropped), `aria-sort` on the column the table is sorted by, and the
 * next order a click gives said in words for a screen reader.
 */
export function SortHeader({ p, column, sort, path, query }: { p: PageCtx; column: SortableColumn; sort: string; path: string; query: Record<string, string | undefined> }) {
  const current = sort === column.key ? 'ascending' : sort === `-${column.key}` ? 'descending' : null;
  const next = current === 'ascending' ? `-${column.key}` : current === 'descending' ? column.key : column.descendingFirst ? `-${column.key}` : column.key;
  const params = new URLSearchParams(Object.entries({ ...query, sort: next }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  const arrow = current === 'ascending' ? '▲' : current === 'descending' ? '▼' : '';
  const hint = next.startsWith('-') ? p.t.sort.descending : p.t.sort.ascending;
  return (
    <th scope="col" class={column.num ? 'num' : undefined} aria-sort={current ?? undefined}>
      <a class="sort" href={`${path}?${params.toString()}`}>
        <span safe>{column.label}</span>
        <span class="visually-hidden" safe>{hint}</span>
        {arrow ? (
          <span aria-hidden="true" class="arrow">
            {arrow}
          </span>
        ) : (
          ''
        )}
      </a>
    </th>
  );
}
