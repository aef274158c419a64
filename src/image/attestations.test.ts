// Tests for BuildKit attestation reading: index entries, statement decoding and the SLSA provenance mapping.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AttestationStatement, Descriptor } from '../core/model.ts';
import { isSextantError } from '../core/errors.ts';
import {
  attestedManifestDigest,
  isAttestationManifest,
  parseAttestationLayer,
  provenanceFrom,
  sbomStatementsFrom,
} from './attestations.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/attestations/${name}`, import.meta.url));

function layer(predicateType: string, digest = 'sha256:' + 'ab'.repeat(32)): Descriptor {
  return { mediaType: 'application/vnd.in-toto+json', digest, size: 1, annotations: { 'in-toto.io/predicate-type': predicateType } };
}

function statementsOf(name: string, predicateType = 'https://slsa.dev/provenance/v0.2'): AttestationStatement[] {
  return parseAttestationLayer(fixture(name), layer(predicateType, `sha256:${name}`));
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

// Builds a statement in memory so a single mapping rule can be tested without a fixture file.
function v02(predicate: Record<string, unknown>): AttestationStatement[] {
  return [{ predicateType: 'https://slsa.dev/provenance/v0.2', subject: [], predicate, layerDigest: 'sha256:x' }];
}

function withDockerfile(dockerfile: string, materials: string[], args: Record<string, string> = {}): AttestationStatement[] {
  return v02({
    buildType: 'https://mobyproject.org/buildkit@v1',
    materials: materials.map((uri, i) => ({ uri, digest: { sha256: String(i).repeat(64) } })),
    invocation: { configSource: { entryPoint: 'Dockerfile' }, parameters: { frontend: 'dockerfile.v0', args } },
    metadata: {
      'https://mobyproject.org/buildkit@v1#metadata': {
        source: { infos: [{ filename: 'Dockerfile', language: 'Dockerfile', data: Buffer.from(dockerfile).toString('base64') }] },
      },
    },
  });
}

describe('isAttestationManifest', () => {
  const index = JSON.parse(fixture('index.json').toString('utf8')) as { manifests: Descriptor[] };
  const [image, attestation] = index.manifests as [Descriptor, Descriptor];

  it('tells the attestation manifest from the image it attests', () => {
    expect(isAttestationManifest(image)).toBe(false);
    expect(isAttestationManifest(attestation)).toBe(true);
    expect(attestedManifestDigest(attestation)).toBe(image.digest);
    expect(attestedManifestDigest(image)).toBeNull();
  });

  it('ignores other reference types', () => {
    expect(isAttestationManifest({ ...attestation, annotations: { 'vnd.docker.reference.type': 'signature' } })).toBe(false);
  });
});

describe('parseAttestationLayer', () => {
  it('reads a bare in-toto v0.1 statement', () => {
    const [s, ...rest] = statementsOf('provenance-v02-max.json');
    expect(rest).toEqual([]);
    expect(s?.predicateType).toBe('https://slsa.dev/provenance/v0.2');
    expect(s?.layerDigest).toBe('sha256:provenance-v02-max.json');
    expect(s?.subject).toEqual([
      {
        name: 'pkg:docker/ghcr.io/example/hello@1.4.0?platform=linux%2Famd64',
        digest: { sha256: 'a9a8fa077e26f69bcc4a7eeec6e1827a07ae07281952ae755766b9f06c8185e1' },
      },
    ]);
  });

  it('unwraps a DSSE envelope without verifying it', () => {
    const [s] = statementsOf('provenance-dsse.json', 'https://slsa.dev/provenance/v1');
    expect(s?.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(s?.subject[0]?.name).toBe('pkg:docker/ghcr.io/example/worker@3.0.1?platform=linux%2Famd64');
  });

  it('reads JSON Lines of statements and envelopes', () => {
    const lines = [fixture('sbom-spdx.json'), fixture('provenance-dsse.json')].map((b) => JSON.stringify(JSON.parse(b.toString('utf8'))));
    const statements = parseAttestationLayer(Buffer.from(lines.join('\n') + '\n'), layer('mixed'));
    expect(statements.map((s) => s.predicateType)).toEqual(['https://spdx.dev/Document', 'https://slsa.dev/provenance/v1']);
  });

  it('throws CORRUPT naming the layer digest for malformed JSON', () => {
    const err = thrown(() => parseAttestationLayer(Buffer.from('{"_type": "https://in-toto.io/Statement/v1",'), layer('x', 'sha256:' + 'cd'.repeat(32))));
    expect(isSextantError(err, 'CORRUPT')).toBe(true);
    expect((err as Error).message).toMatch(new RegExp(`^attestation layer sha256:${'cd'.repeat(32)} is not valid JSON`));
    expect((err as Error).message).not.toContain('\n');
  });

  it('throws CORRUPT for JSON that is not a statement, and for a DSSE payload that is not JSON', () => {
    expect(isSextantError(thrown(() => parseAttestationLayer(Buffer.from('{"hello": 1}'), layer('x'))), 'CORRUPT')).toBe(true);
    expect(isSextantError(thrown(() => parseAttestationLayer(Buffer.from('[1,2]'), layer('x'))), 'CORRUPT')).toBe(true);
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from('not json').toString('base64'), signatures: [] };
    expect(isSextantError(thrown(() => parseAttestationLayer(Buffer.from(JSON.stringify(envelope)), layer('x'))), 'CORRUPT')).toBe(true);
  });

  it('ignores layers of unknown media types and envelopes of other payload types', () => {
    expect(parseAttestationLayer(Buffer.from('not json'), { ...layer('x'), mediaType: 'application/octet-stream' })).toEqual([]);
    const envelope = { payloadType: 'application/vnd.example+json', payload: 'e30=', signatures: [] };
    expect(parseAttestationLayer(Buffer.from(JSON.stringify(envelope)), layer('x'))).toEqual([]);
  });
});

describe('provenanceFrom', () => {
  it('maps SLSA v0.2 mode=max with the Dockerfile and vcs hints', () => {
    expect(provenanceFrom(statementsOf('provenance-v02-max.json'))).toEqual({
      predicateType: 'https://slsa.dev/provenance/v0.2',
      builderId: 'https://github.com/example/hello/actions/runs/9876543210/attempts/1',
      buildType: 'https://mobyproject.org/buildkit@v1',
      materials: [
        { uri: 'pkg:docker/docker/dockerfile@1', digest: { sha256: '077df0f6cbcf6768000258b3c6deafb9399ec6b794f3c5ab51a09bce073430ef' } },
        { uri: 'pkg:docker/alpine@3.20?platform=linux%2Famd64', digest: { sha256: '3b5168d2e3dbef63f55ee4d3712075f7fcdee3a8bfdfe1975a3a09956f19744f' } },
      ],
      baseImage: 'docker.io/library/alpine:3.20@sha256:3b5168d2e3dbef63f55ee4d3712075f7fcdee3a8bfdfe1975a3a09956f19744f',
      vcs: { source: 'https://github.com/example/hello', revision: 'b096c0cb00b1a140675f0632430a26b08270d2da' },
      dockerfile: [
        '# syntax=docker/dockerfile:1',
        'FROM alpine:3.20',
        'RUN apk add --no-cache ca-certificates curl',
        'COPY app /usr/local/bin/app',
        'ENTRYPOINT ["/usr/local/bin/app"]',
        '',
      ].join('\n'),
      dockerfilePath: 'Dockerfile',
    });
  });

  it('maps SLSA v0.2 mode=min from a git context: vcs from the config source, first docker material as base', () => {
    expect(provenanceFrom(statementsOf('provenance-v02-min.json'))).toEqual({
      predicateType: 'https://slsa.dev/provenance/v0.2',
      builderId: null,
      buildType: 'https://mobyproject.org/buildkit@v1',
      materials: [
        { uri: 'pkg:docker/debian@12-slim?platform=linux%2Farm64', digest: { sha256: 'd63aef1b4bfaf22891ed04acb74e5a2b2405ec05c2663a251037e2c6b99131ba' } },
        { uri: 'https://github.com/example/api.git#v2.1.0', digest: { sha1: '477f1b3205471ad781eeb6c5de0344b8e2ac5a4e' } },
      ],
      baseImage: 'docker.io/library/debian:12-slim@sha256:d63aef1b4bfaf22891ed04acb74e5a2b2405ec05c2663a251037e2c6b99131ba',
      vcs: { source: 'https://github.com/example/api.git', revision: '477f1b3205471ad781eeb6c5de0344b8e2ac5a4e' },
      dockerfile: null,
      dockerfilePath: 'Dockerfile',
    });
  });

  it('maps SLSA v1 with buildkit_metadata and a Dockerfile outside the context root', () => {
    expect(provenanceFrom(statementsOf('provenance-v1.json', 'https://slsa.dev/provenance/v1'))).toEqual({
      predicateType: 'https://slsa.dev/provenance/v1',
      builderId: null,
      buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
      materials: [
        { uri: 'pkg:docker/node@22-bookworm-slim?platform=linux%2Famd64', digest: { sha256: 'b552f754fa61844d0258acfedb58b7517e872129b3d91d54886c8d8c530936ce' } },
        { uri: 'https://example.com/downloads/tool-1.2.0.tar.gz', digest: { sha256: '1739dd7dc84b6c7286f97695468c13e13c68fcdc9b377edef86bc651080ada35' } },
      ],
      baseImage: 'docker.io/library/node:22-bookworm-slim@sha256:b552f754fa61844d0258acfedb58b7517e872129b3d91d54886c8d8c530936ce',
      vcs: { source: 'git@github.com:example/web.git', revision: '325a62cfc7b83bc9fa1cdefeaeeed928b0b32b6c' },
      dockerfile: [
        'FROM node:22-bookworm-slim',
        'WORKDIR /srv',
        'ADD https://example.com/downloads/tool-1.2.0.tar.gz /opt/',
        'COPY --chown=node:node . .',
        'RUN npm ci --omit=dev',
        'USER node',
        'CMD ["node", "server.js"]',
        '',
      ].join('\n'),
      dockerfilePath: 'build/Dockerfile.release',
    });
  });

  it("takes a multi-stage build's base image from the final stage, through its alias and a global ARG", () => {
    const p = provenanceFrom(statementsOf('provenance-multistage.json'));
    expect(p?.baseImage).toBe('gcr.io/distroless/static-debian12:nonroot@sha256:ec3c33b509004eeb9814b507740601af9d9ac8ea07f82f414f7d8d666c73822b');
    expect(p?.materials.map((m) => m.uri)).toEqual([
      'pkg:docker/docker/dockerfile@1.7',
      'pkg:docker/golang@1.23-alpine?platform=linux%2Famd64',
      'pkg:docker/gcr.io/distroless/static-debian12@nonroot?platform=linux%2Farm64',
    ]);
    expect(p?.vcs).toEqual({ source: 'https://github.com/example/server.git', revision: '1947039f71f2268cc3f94efa10b8133ad29cbade' });
    expect(p?.dockerfilePath).toBe('Dockerfile');
    expect(p?.dockerfile?.split('\n')[0]).toBe('# syntax=docker/dockerfile:1.7');
  });

  it('maps the statement inside a DSSE envelope', () => {
    expect(provenanceFrom(statementsOf('provenance-dsse.json', 'https://slsa.dev/provenance/v1'))).toEqual({
      predicateType: 'https://slsa.dev/provenance/v1',
      builderId: 'https://ci.example.com/builds/4411',
      buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
      materials: [
        { uri: 'pkg:docker/ghcr.io/example/base@2024.06?platform=linux%2Famd64', digest: { sha256: 'cfb8b43961e96c9116fe5e8ba3c191a180771f3821379d085b1f9ab2e7aa868f' } },
      ],
      baseImage: 'ghcr.io/example/base:2024.06@sha256:cfb8b43961e96c9116fe5e8ba3c191a180771f3821379d085b1f9ab2e7aa868f',
      vcs: { source: null, revision: null },
      dockerfile: null,
      dockerfilePath: 'Dockerfile',
    });
  });

  it('is null without a provenance statement', () => {
    expect(provenanceFrom(statementsOf('sbom-spdx.json', 'https://spdx.dev/Document'))).toBeNull();
    expect(provenanceFrom([])).toBeNull();
  });

  it('builds the stage named by the target argument', () => {
    const dockerfile = 'FROM golang:1.23 AS build\nRUN go build ./...\n\nFROM alpine:3.20\nCOPY --from=build /out /out\n';
    const materials = ['pkg:docker/golang@1.23?platform=linux%2Famd64', 'pkg:docker/alpine@3.20?platform=linux%2Famd64'];
    expect(provenanceFrom(withDockerfile(dockerfile, materials))?.baseImage).toBe(`docker.io/library/alpine:3.20@sha256:${'1'.repeat(64)}`);
    expect(provenanceFrom(withDockerfile(dockerfile, materials, { target: 'BUILD' }))?.baseImage).toBe(
      `docker.io/library/golang:1.23@sha256:${'0'.repeat(64)}`,
    );
  });

  it('has no base image when the final stage starts from scratch', () => {
    const dockerfile = 'FROM golang:1.23 AS build\nRUN go build ./...\nFROM scratch\nCOPY --from=build /out /\n';
    expect(provenanceFrom(withDockerfile(dockerfile, ['pkg:docker/golang@1.23']))?.baseImage).toBeNull();
  });

  it('reads FROM lines past continuations, comments and heredocs, and honours build-arg overrides', () => {
    const dockerfile = [
      'ARG BASE=debian:11',
      'FROM ubuntu:24.04 AS tools',
      '# a comment',
      'FROM \\',
      '  # comment inside a continuation',
      '  ${BASE} \\',
      '  AS runtime',
      'RUN <<-EOT cat > /etc/motd',
      '\tFROM this-is-shell-not-a-stage',
      '\tEOT',
      'CMD ["true"]',
    ].join('\n');
    const materials = ['pkg:docker/ubuntu@24.04', 'pkg:docker/debian@11', 'pkg:docker/debian@12'];
    expect(provenanceFrom(withDockerfile(dockerfile, materials))?.baseImage).toBe(`docker.io/library/debian:11@sha256:${'1'.repeat(64)}`);
    expect(provenanceFrom(withDockerfile(dockerfile, materials, { 'build-arg:BASE': 'debian:12' }))?.baseImage).toBe(
      `docker.io/library/debian:12@sha256:${'2'.repeat(64)}`,
    );
  });

  it('falls back to the first non-frontend docker material when FROM cannot be resolved', () => {
    const dockerfile = 'ARG BASE\nFROM $BASE\n';
    const materials = ['pkg:docker/docker/dockerfile@1', 'pkg:docker/ghcr.io/acme/base@1', 'pkg:docker/alpine@3'];
    expect(provenanceFrom(withDockerfile(dockerfile, materials))?.baseImage).toBe(`ghcr.io/acme/base:1@sha256:${'1'.repeat(64)}`);
  });

  it('converts docker purls with digest versions, digest qualifiers, namespaces and ports', () => {
    const base = (uri: string, digest: Record<string, string> = {}) =>
      provenanceFrom(v02({ materials: [{ uri, digest }] }))?.baseImage;
    const d = 'sha256:' + 'e'.repeat(64);
    expect(base(`pkg:docker/alpine?digest=${encodeURIComponent(d)}`)).toBe(`docker.io/library/alpine@${d}`);
    expect(base(`pkg:docker/library/alpine@3.15?digest=${d}`)).toBe(`docker.io/library/alpine:3.15@${d}`);
    expect(base(`pkg:docker/alpine@${encodeURIComponent(d)}`)).toBe(`docker.io/library/alpine@${d}`);
    expect(base('pkg:docker/user/app@v2')).toBe('docker.io/user/app:v2');
    expect(base('pkg:docker/busybox')).toBe('docker.io/library/busybox:latest');
    expect(base('pkg:docker/localhost%3A5000/team/app@dev')).toBe('localhost:5000/team/app:dev');
    expect(base('https://example.com/file.tar.gz')).toBeNull();
  });

  it('picks the Dockerfile source info by configured path before language', () => {
    const info = (filename: string, text: string, language?: string) => ({ filename, language, data: Buffer.from(text).toString('base64') });
    const p = provenanceFrom([
      {
        predicateType: 'https://slsa.dev/provenance/v1',
        subject: [],
        layerDigest: 'sha256:x',
        predicate: {
          buildDefinition: { externalParameters: { configSource: { path: 'docker/api.Dockerfile' }, request: { args: {} } } },
          runDetails: {
            metadata: { buildkit_metadata: { source: { infos: [info('other.Dockerfile', 'FROM a', 'Dockerfile'), info('api.Dockerfile', 'FROM b')] } } },
          },
        },
      },
    ]);
    expect(p?.dockerfile).toBe('FROM b');
    expect(p?.dockerfilePath).toBe('docker/api.Dockerfile');
  });

  it('takes the Dockerfile path from the filename argument, and vcs from a git material', () => {
    const p = provenanceFrom(
      v02({
        materials: [{ uri: 'https://github.com/example/lib.git#main', digest: { sha1: 'f'.repeat(40) } }],
        invocation: { parameters: { args: { filename: 'ci/Dockerfile' } } },
      }),
    );
    expect(p?.dockerfilePath).toBe('ci/Dockerfile');
    expect(p?.vcs).toEqual({ source: 'https://github.com/example/lib.git', revision: 'f'.repeat(40) });
  });
});

describe('sbomStatementsFrom', () => {
  it('keeps SPDX statements as they are, with or without a version suffix', () => {
    const [spdx] = statementsOf('sbom-spdx.json', 'https://spdx.dev/Document');
    const versioned = { ...spdx!, predicateType: 'https://spdx.dev/Document/v2.3' };
    const provenance = statementsOf('provenance-v02-max.json');
    const lookalike = { ...spdx!, predicateType: 'https://spdx.dev/DocumentFragment' };
    expect(sbomStatementsFrom([...provenance, spdx!, versioned, lookalike])).toEqual([spdx, versioned]);
    expect(spdx?.predicate).toMatchObject({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT' });
  });
});
