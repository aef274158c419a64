// Import rules from ARCHITECTURE.md: core at the bottom; image and layerfs above it; catalog, sbom, analyze
// in turn; match never sees images; cli and platform on top.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'core-is-the-bottom', severity: 'error', from: { path: '^src/core' }, to: { path: '^src/(?!core)' } },
    { name: 'version-is-pure', severity: 'error', from: { path: '^src/version' }, to: { path: '^src/(?!core|version)' } },
    { name: 'image-below-layerfs-and-up', severity: 'error', from: { path: '^src/image' }, to: { path: '^src/(catalog|sbom|analyze|advisory|match|policy|platform|cli)' } },
    { name: 'layerfs-does-not-know-sources', severity: 'error', from: { path: '^src/layerfs' }, to: { path: '^src/(image|catalog|sbom|analyze|advisory|match|policy|platform|cli)' } },
    { name: 'catalog-reads-through-resolvers', severity: 'error', from: { path: '^src/catalog' }, to: { path: '^src/(image|sbom|analyze|advisory|match|policy|platform|cli)' } },
    { name: 'sbom-below-analyze', severity: 'error', from: { path: '^src/sbom' }, to: { path: '^src/(image|layerfs|analyze|match|policy|platform|cli)' } },
    { name: 'advisory-knows-only-core-and-versions', severity: 'error', from: { path: '^src/advisory' }, to: { path: '^src/(image|layerfs|catalog|sbom|analyze|match|policy|platform|cli)' } },
    { name: 'match-never-sees-images', severity: 'error', from: { path: '^src/match' }, to: { path: '^src/(image|layerfs|catalog|analyze|policy|platform|cli)' } },
    { name: 'nothing-imports-cli', severity: 'error', from: { path: '^src/(?!cli)' }, to: { path: '^src/cli' } },
    { name: 'nothing-imports-platform', severity: 'error', from: { path: '^src/(?!platform|cli)' }, to: { path: '^src/platform' } },
    { name: 'src-not-from-tests', severity: 'error', from: { path: '^src', pathNot: '(\\.test|-test-support)\\.ts$' }, to: { path: '^(test|bench)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
