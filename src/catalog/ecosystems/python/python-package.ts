// Shared pieces of the Python parsers: PEP 503 name normalisation, the pypi Package builder, and text decoding.
import type { Package } from '../../../core/package.ts';
import { NOASSERTION } from '../../licenses.ts';
import { makePurl } from '../../purl.ts';
import type { ParseContext } from '../../cataloger.ts';
import { buildPackage } from '../../package-builder.ts';

/** PEP 503 normalised name: lowercase, every run of `-`, `_` and `.` replaced by one `-` (`Zope.Interface` → `zope-interface`). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** What a Python parser knows about one package; everything else gets the model's "unknown" value. */
export interface PythonPackageFields {
  name: string;
  version: string;
  authors?: string[];
  description?: string | null;
  licenses?: string;
  size?: number | null;
  direct?: boolean | null;
  dependsOn?: string[];
  metadata?: Record<string, unknown>;
}

/** A `pypi` Package found at ctx.location, with purl `pkg:pypi/<normalised name>@<version>`. */
export function pypiPackage(fields: PythonPackageFields, ctx: ParseContext): Package {
  return buildPackage(
    {
      type: 'pypi',
      name: fields.name,
      version: fields.version,
      purl: makePurl({ type: 'pypi', name: normalizeName(fields.name), version: fields.version }),
      authors: fields.authors ?? [],
      description: fields.description ?? null,
      licenses: fields.licenses ?? NOASSERTION,
      size: fields.size ?? null,
      direct: fields.direct ?? null,
      dependsOn: fields.dependsOn ?? [],
      metadata: fields.metadata ?? {},
    },
    ctx,
  );
}

/**
 * Text of a Python file. pip reads requirements files by their byte-order mark (Windows editors write UTF-16), and
 * everything else is UTF-8; invalid bytes become U+FFFD rather than failing the whole file.
 */
export function decodeText(content: Buffer): string {
  if (content[0] === 0xff && content[1] === 0xfe) return new TextDecoder('utf-16le').decode(content.subarray(2));
  if (content[0] === 0xfe && content[1] === 0xff) return new TextDecoder('utf-16be').decode(content.subarray(2));
  if (content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf) return content.subarray(3).toString('utf8');
  return content.toString('utf8');
}

/** The directory part of an absolute path (`/a/b/c` → `/a/b`). */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** `dir` joined with a file name. */
export function joinPath(dir: string, file: string): string {
  return dir.endsWith('/') ? `${dir}${file}` : `${dir}/${file}`;
}
