// The image's metadata as `sextant:image:*` name/value pairs: CycloneDX properties and SPDX annotations (docs/cli.md).
import type { ImageMetadata } from '../../core/model.ts';

/** One name/value pair in the `sextant:` namespace. */
export interface NamedValue {
  name: string;
  value: string;
}

/**
 * The image's metadata, flattened. Environment variables are given by name only: their values are often secrets
 * (tokens, passwords), and an SBOM is a document that gets shared. Lists repeat a name (`sextant:image:port`) or
 * number their entries (`sextant:image:layer:0:diffId`) when an entry has several fields. Layer `createdBy` and the
 * history are left out for the same reason as env values: build commands carry `ARG`/`ENV` values.
 */
export function imageProperties(image: ImageMetadata): NamedValue[] {
  const out: NamedValue[] = [];
  const add = (name: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') out.push({ name: `sextant:image:${name}`, value: String(value) });
  };
  add('reference', image.reference);
  add('source', image.source);
  add('id', image.id);
  add('digest', image.digest);
  add('manifestMediaType', image.manifestMediaType);
  add('indexDigest', image.indexDigest);
  add('created', image.created);
  add('architecture', image.architecture);
  add('variant', image.variant);
  add('os', image.os);
  add('osRelease', image.osRelease ? (image.osRelease.prettyName ?? [image.osRelease.id, image.osRelease.versionId].filter(Boolean).join(' ')) : null);
  add('size', image.size);
  add('user', image.user);
  add('workingDir', image.workingDir);
  add('stopSignal', image.stopSignal);
  if (image.entrypoint) add('entrypoint', JSON.stringify(image.entrypoint));
  if (image.cmd) add('cmd', JSON.stringify(image.cmd));
  for (const port of image.ports) add('port', port);
  for (const { name } of image.env) add('env', name);
  for (const [key, value] of Object.entries(image.labels)) add(`label:${key}`, value);
  image.layers.forEach((layer, i) => {
    add(`layer:${i}:diffId`, layer.diffId);
    add(`layer:${i}:digest`, layer.digest);
    add(`layer:${i}:mediaType`, layer.mediaType);
    add(`layer:${i}:size`, layer.size);
  });
  if (image.registry) {
    add('registry:url', image.registry.url);
    add('registry:type', image.registry.type);
    add('registry:repository', image.registry.repository);
    add('registry:tag', image.registry.tag);
  }
  if (image.provenance) {
    add('provenance:predicateType', image.provenance.predicateType);
    add('provenance:builderId', image.provenance.builderId);
    add('provenance:baseImage', image.provenance.baseImage);
    add('provenance:vcs:source', image.provenance.vcs.source);
    add('provenance:vcs:revision', image.provenance.vcs.revision);
  }
  return out;
}
