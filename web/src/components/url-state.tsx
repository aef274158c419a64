// List state kept in the URL (filters, sort, page), so every view can be bookmarked and shared: a hook that
// changes query parameters, and the search box that writes one when the user presses Enter or leaves it.
import { useSearchParams } from 'react-router';

/**
 * The URL's query parameters and a function that changes some of them (an empty value removes one). Any change
 * but to `offset` itself goes back to the first page (removes `offset`). History is replaced, not pushed.
 */
export function useUrlState(): [URLSearchParams, (changes: Record<string, string>) => void] {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes))
      if (value) next.set(name, value);
      else next.delete(name);
    if (!('offset' in changes)) next.delete('offset');
    setParams(next, { replace: true });
  };
  return [params, update];
}

/** A search box whose value is applied (`onSearch`) on Enter or when it loses focus with a changed value. */
export function SearchBox({ value, onSearch, label, placeholder }: { value: string; onSearch: (value: string) => void; label: string; placeholder: string }) {
  return (
    <input
      type="search"
      className="input grow"
      placeholder={placeholder}
      aria-label={label}
      defaultValue={value}
      // A new value from outside (a link, Back) replaces what was typed.
      key={value}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onSearch(e.currentTarget.value.trim());
      }}
      onBlur={(e) => e.currentTarget.value.trim() !== value && onSearch(e.currentTarget.value.trim())}
    />
  );
}
