// Package names as OSV lookups compare them: exact, except where an ecosystem's own index ignores case or
// separators (PyPI by PEP 503, NuGet and Packagist by case).

/** `name` in the form the store indexes and looks up for OSV ecosystem `base` (without `:release`). */
export function lookupName(base: string, name: string): string {
  switch (base) {
    case 'PyPI':
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'NuGet':
    case 'Packagist':
      return name.toLowerCase();
    default:
      return name;
  }
}
