// Test helper: validators for the official CycloneDX 1.6 and SPDX 2.3 JSON schemas (ajv), shared by unit and e2e tests.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under nodenext the callable sits on `.default` of the import.
const addFormats = addFormatsModule.default;

/** A schema check: no errors means valid. */
export type Validate = (doc: unknown) => ErrorObject[];

const require = createRequire(import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/**
 * The CycloneDX 1.6 schema as @cyclonedx/cyclonedx-library ships it, with the two schemas it references
 * (`spdx.SNAPSHOT.schema.json` for licence ids, `jsf-0.82.SNAPSHOT.schema.json` for signatures). The shipped files
 * keep their published `$id`s, so each is registered under the name the bom schema refers to it by.
 */
export function cycloneDxValidator(): Validate {
  const dir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Formats ajv-formats lacks; checked loosely, as the schema's authors intend them (RFC 3987 IRIs, RFC 6531 emails).
  ajv.addFormat('iri-reference', /^[^\s]*$/u);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    ajv.addSchema({ ...readJson(join(dir, name)), $id: `http://cyclonedx.org/schema/${name}` });
  }
  const validate = ajv.compile(readJson(join(dir, 'bom-1.6.SNAPSHOT.schema.json')));
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []));
}

/** The SPDX 2.3 schema from the spdx-spec repository (../spdx/spdx-schema.json), a JSON Schema 2019-09 document. */
export function spdxValidator(): Validate {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(readJson(join(import.meta.dirname, '..', 'spdx', 'spdx-schema.json')));
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []));
}
