/** A link to the next page of a keyset-paginated list, keeping the filters of this one. */
export function NextPage({ path, query, cursor, label }: { path: string; query: Record<string, string | undefined>; cursor: string | null; label: string }) {
  if (!cursor) return '';
  const params = new URLSearchParams(Object.entries({ ...query, cursor }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  return (
    <p class="pager">
      <a href={`${path}?${params.toString()}`} rel="next" safe>
        {label}
      </a>
    </p>
  );
}

/** The query of a GET form, with fields left empty taken out (an empty field means "any"). */
export function filled(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== ''));
}
