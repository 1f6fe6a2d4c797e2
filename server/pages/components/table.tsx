import type { PageCtx } from '../page';
import { SortHeader } from './sort';

interface ColumnBase {
  /** the header's text, and on a phone the label beside each of the column's cells */
  header: string;
  /** an amount or a count: right-aligned with tabular figures (yuan, numbers of cases) */
  num?: boolean;
  /** further classes of the column's cells (`code`, `text`) */
  class?: string;
  /** the list's sort key of this column: its header sorts the table (with the table's `sorting`) */
  sort?: { key: string; descendingFirst?: boolean };
  /** what the column's cell of the total row says (the table has a total row when a column has one; its cells take only `num`) */
  total?: string;
}

/** A column of plain text: `text` is escaped (nothing where it is null or undefined). */
interface TextColumn<T> extends ColumnBase {
  text: (row: T) => string | number | null | undefined;
  cell?: never;
}

/** A column of markup (a link, a badge, a form): `cell` must escape what it shows (`safe`). */
interface CellColumn<T> extends ColumnBase {
  cell: (row: T) => JSX.Element;
  text?: never;
}

export type Column<T> = TextColumn<T> | CellColumn<T>;

/** How the list is sorted and filtered, when its headers sort it (links to the same list in another order). */
export interface Sorting {
  sort: string;
  path: string;
  query: Record<string, string | undefined>;
}

interface DataTableProps<T> {
  p: PageCtx;
  columns: readonly Column<T>[];
  rows: readonly T[];
  /** shown instead of the table when there are no rows: what to do next, or why there is nothing */
  empty?: string;
  /** a caption for screen readers (the page shows the table's title in a heading) */
  caption?: string;
  /** the id of the heading that names the table, where it is not wrapped for phones */
  labelledBy?: string;
  /** the table scrolls sideways in a wrapper of its own (the default); statement parts sit in their section */
  wrap?: boolean;
  rowClass?: (row: T) => string | undefined;
  sorting?: Sorting;
  /**
   * a table wider than a screen (a dozen columns): its wrapper is a region the keyboard can reach and
   * scroll, named by the heading `labelledBy` names (WCAG 2.1.1; axe scrollable-region-focusable)
   */
  wide?: boolean;
}

const classOf = (column: ColumnBase) => [column.num ? 'num' : '', column.class ?? ''].filter(Boolean).join(' ') || undefined;

function Header<T>({ p, column, sorting }: { p: PageCtx; column: Column<T>; sorting: Sorting | undefined }) {
  if (sorting && column.sort) {
    const { key, descendingFirst } = column.sort;
    return <SortHeader p={p} column={{ key, label: column.header, num: column.num, descendingFirst }} sort={sorting.sort} path={sorting.path} query={sorting.query} />;
  }
  return (
    <th scope="col" class={column.num ? 'num' : undefined} safe>
      {column.header}
    </th>
  );
}

function Cell<T>({ column, row }: { column: Column<T>; row: T }) {
  if (column.cell) {
    return (
      <td data-label={column.header} class={classOf(column)}>
        {column.cell(row)}
      </td>
    );
  }
  return (
    <td data-label={column.header} class={classOf(column)} safe>
      {String(column.text(row) ?? '')}
    </td>
  );
}

/**
 * A list as a table: one header per column, each cell labelled with its column's header so that
 * on a phone (`table.stack`) every row reads as a card of label–value lines; amounts right-aligned;
 * headers that sort the list where it says how; an optional total row; the empty state in words.
 */
export function DataTable<T>({ p, columns, rows, empty, caption, labelledBy, wrap = true, rowClass, sorting, wide = false }: DataTableProps<T>) {
  if (rows.length === 0 && empty !== undefined) {
    return (
      <p class="empty" safe>
        {empty}
      </p>
    );
  }
  const totals = columns.some((c) => c.total !== undefined);
  const table = (
    <table class="stack" aria-labelledby={labelledBy}>
      {caption ? (
        <caption class="visually-hidden" safe>
          {caption}
        </caption>
      ) : (
        ''
      )}
      <thead>
        <tr>
          {columns.map((column) => (
            <Header p={p} column={column} sorting={sorting} />
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr class={rowClass?.(row)}>
            {columns.map((column) => (
              <Cell column={column} row={row} />
            ))}
          </tr>
        ))}
        {totals ? (
          <tr class="total">
            {columns.map((column) =>
              column.total === undefined ? (
                <td data-label={column.header}></td>
              ) : (
                <td data-label={column.header} class={column.num ? 'num' : undefined} safe>
                  {column.total}
                </td>
              ),
            )}
          </tr>
        ) : (
          ''
        )}
      </tbody>
    </table>
  );
  if (!wrap) return table;
  return wide ? (
    <div class="table-wrap" tabindex="0" role="region" aria-labelledby={labelledBy}>
      {table}
    </div>
  ) : (
    <div class="table-wrap">{table}</div>
  );
}
