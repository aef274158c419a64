// `sbom://` inputs: a CycloneDX JSON, SPDX JSON, or in-toto statement (or DSSE envelope) with an SPDX predicate.
import { SextantError } from '../../core/errors.ts';
import { isCycloneDx, readCycloneDx } from './cyclonedx.ts';
import type { ImportedSbom } from './imported.ts';
import { isSpdx, readSpdx } from './spdx.ts';

type Json = Record<string, unknown>;

/** Read an SBOM document's bytes (`where` names it in errors). UNSUPPORTED for other JSON, CORRUPT for non-JSON. */
export function readSbomDocument(bytes: Buffer, where: string): ImportedSbom {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new SextantError('CORRUPT', `${where} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new SextantError('UNSUPPORTED', `${where} is not an SBOM (not a JSON object)`);
  return readObject(doc as Json, where, 0);
}

function readObject(doc: Json, where: string, depth: number): ImportedSbom {
  if (isCycloneDx(doc)) return readCycloneDx(doc);
  if (isSpdx(doc)) return readSpdx(doc);
  if (depth < 2 && typeof doc.payloadType === 'string' && typeof doc.payload === 'string') {
    // A DSSE envelope: the statement is the base64 payload (signatures are not checked here).
    let inner: unknown;
    try {
      inner = JSON.parse(Buffer.from(doc.payload, 'base64').toString('utf8'));
    } catch (err) {
      throw new SextantError('CORRUPT', `${where}: the DSSE payload is not JSON`, { cause: err });
    }
    if (inner && typeof inner === 'object') return readObject(inner as Json, where, depth + 1);
  }
  if (depth < 2 && typeof doc._type === 'string' && doc._type.startsWith('https://in-toto.io/Statement/') && doc.predicate && typeof doc.predicate === 'object') {
    return readObject(doc.predicate as Json, where, depth + 1);
  }
  throw new SextantError('UNSUPPORTED', `${where} is not a CycloneDX or SPDX JSON SBOM, nor an in-toto statement holding one`);
}
