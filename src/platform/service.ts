// The platform's work behind the API: matching pushed SBOMs and local-analysis payloads against the advisory
// store, finding base images, storing pushes, and syncing advisories (with the re-evaluation that follows).
import type { Advisory, Severity } from '../core/advisory.ts';
import type { Package } from '../core/package.ts';
import type { OsRelease } from '../core/model.ts';
import type { AdvisoryStore } from '../advisory/store/advisory-store.ts';
import { updateDatabase, type SourceUpdate } from '../advisory/updater.ts';
import { withExploitData } from '../match/exploits.ts';
import { matchPackages, type Finding } from '../match/matcher.ts';
import { packageFromPurl } from '../sbom/import/package-from-purl.ts';
import { advisoryLookupCache } from './advisory-cache.ts';
import { baseMatch, pickBase } from './base-image.ts';
import { chainIds } from './chain-id.ts';
import type { AnalysisAnswer, BaseMatch, LocalAnalysisPayload, Principal, PushPayload } from './model.ts';
import type { Overview, VulnerabilityDetail, VulnerabilityListQuery, VulnerabilityPage } from './model.ts';
import { distroOf } from './distro-of.ts';
import { reevaluatePackageIds, reevaluatePackages, type Reevaluation } from './reevaluate.ts';
import type { PlatformStore } from './store/platform-store.ts';
import type { VulnerabilityFindings } from './store/vulnerabilities.ts';

/** What the routes call. */
export interface PlatformService {
  push(p: Principal, payload: PushPayload): Promise<{ answer: AnalysisAnswer; created: boolean }>;
  analyseLocal(p: Principal, payload: LocalAnalysisPayload): Promise<AnalysisAnswer>;
  /** The findings of a stored image, with today's exploit data; null when the org has no such image. */
  findings(p: Principal, digest: string): Promise<Finding[] | null>;
  /** The base of a stored image; null when the org has no such image. */
  base(p: Principal, digest: string): Promise<BaseMatch | null>;
  syncAdvisories(options: { ecosystems?: string[] }): Promise<{ sources: SourceUpdate[]; reevaluated: Reevaluation }>;
  /** The org at a glance, with a trend of the last `days` days (docs/api.md). */
  overview(p: Principal, options: { days: number; now?: Date }): Promise<Overview>;
  /**
   * Vulnerability `id` (an advisory id or an alias): what the advisories say of it, with exploit data, and the org's
   * images with an open finding of it; null when neither the advisories nor the org's findings know it.
   */
  vulnerability(p: Principal, id: string): Promise<VulnerabilityDetail | null>;
  /** A page of the org's vulnerabilities (of its open findings), worst first, then most images. */
  vulnerabilities(p: Principal, query: VulnerabilityListQuery): Promise<VulnerabilityPage>;
  advisoryStatus(): Promise<unknown>;
}

export interface ServiceOptions {
  store: PlatformStore;
  advisories: AdvisoryStore;
  /** OSV-style base URL `db update` reads (`<base>/<Ecosystem>/all.zip`). */
  advisorySource?: string;
  /** Where downloads wait during a sync (default: the system's temp directory). */
  workDir?: string;
  /** The KEV catalogue's and the EPSS CSV's URLs for syncs (default: the public ones; null leaves one out). */
  kevUrl?: string | null;
  epssUrl?: string | null;
  /**
   * Called after finding events may have been recorded: for the org after a push, with null (any org) after a
   * re-evaluation that changed findings. Webhook delivery collects them from here.
   */
  onFindingEvents?: (orgId: string | null) => Promise<void>;
}

/** The service over a platform store and the advisory store. */
export function createPlatformService(options: ServiceOptions): PlatformService {
  const { store, advisories } = options;
  const database = databaseDigest(advisories);
  const lookups = advisoryLookupCache(advisories);

  async function findingsFor(packages: readonly Package[], distro: OsRelease | null, digest: string): Promise<Finding[]> {
    return (await matchPackages(packages, distro, lookups.forDatabase(digest), digest)).findings;
  }

  async function baseOf(orgId: string, layers: readonly string[], digest: string | null, provenance: string | null): Promise<BaseMatch> {
    let candidates = layers.length ? await store.baseCandidates(orgId, chainIds(layers)) : [];
    // A local analysis names no digest: a stored image with the whole same chain is most likely the image itself.
    if (digest === null) candidates = candidates.filter((c) => c.source !== 'org' || c.layers.length < layers.length);
    return baseMatch(pickBase(layers, digest, candidates), provenance);
  }

  return {
    async push(p, payload) {
      const { sbom } = payload;
      const before = await database.state();
      const layers = sbom.image.layers.map((l) => l.diffId);
      const base = await baseOf(p.orgId, layers, sbom.image.digest, sbom.image.provenance?.baseImage ?? null);
      // Packages already stored keep their findings (re-evaluation keeps them current): only new ones are matched.
      const stored = await store.putImage(p.orgId, payload, (packages) => findingsFor(packages, sbom.distro, before.digest), before.digest);
      let imageFindings = stored.findings;
      let digest = before.digest;
      let caughtUp = false;
      if (stored.newPackageIds.length > 0) {
        // Advisories that changed while this push matched its new packages: the re-evaluation that followed the
        // change may have looked for stored packages before these were committed, so they are brought up to date here.
        const after = await database.state();
        if (after.marker !== before.marker) {
          digest = after.digest;
          await reevaluatePackageIds(store, advisories, stored.newPackageIds, digest, `advisory update during a push (database ${digest})`);
          imageFindings = (await store.getFindings(p.orgId, stored.digest)) ?? imageFindings;
          caughtUp = true;
        }
      }
      // A catch-up may have recorded events on other orgs' images that took up the same new packages meanwhile.
      await options.onFindingEvents?.(caughtUp ? null : p.orgId);
      const findings = await withExploitData(imageFindings, advisories);
      return { answer: { image: { digest: sbom.image.digest, reference: sbom.image.reference }, findings, base, database: digest }, created: stored.created };
    },

    async analyseLocal(p, payload) {
      const packages = payload.packages.map((entry) => packageFromPurl({ purl: entry.purl, foundBy: 'local-analysis', locations: entry.layers.map((layerDigest) => ({ path: '', layerDigest })) })).filter((x): x is Package => x !== null);
      const { digest } = await database.state();
      const findings = await withExploitData(await findingsFor(packages, distroOf(packages), digest), advisories);
      const base = await baseOf(p.orgId, payload.layers, null, null);
      return { image: { digest: null, reference: '' }, findings, base, database: digest };
    },

    async findings(p, digest) {
      const findings = await store.getFindings(p.orgId, digest);
      return findings && withExploitData(findings, advisories);
    },

    async base(p, digest) {
      const image = await store.getImage(p.orgId, digest);
      if (!image) return null;
      return baseOf(p.orgId, image.metadata.layers.map((l) => l.diffId), image.metadata.digest, image.metadata.provenance?.baseImage ?? null);
    },

    async syncAdvisories({ ecosystems }) {
      const changed = new Set<string>();
      const sources = await updateDatabase(advisories, { ...(options.advisorySource ? { source: options.advisorySource } : {}), ...(ecosystems ? { ecosystems } : {}), ...(options.workDir ? { workDir: options.workDir } : {}), ...(options.kevUrl !== undefined ? { kevUrl: options.kevUrl } : {}), ...(options.epssUrl !== undefined ? { epssUrl: options.epssUrl } : {}), changed });
      database.forget();
      const { digest } = await database.state();
      const updated = sources.filter((s) => s.status === 'updated' && s.name.startsWith('osv:')).map((s) => s.name);
      const reevaluated = await reevaluatePackages(store, advisories, changed, digest, `advisory update ${updated.join(', ') || 'none'} (database ${digest})`);
      if (reevaluated.appeared + reevaluated.disappeared > 0) await options.onFindingEvents?.(null);
      return { sources, reevaluated };
    },

    async advisoryStatus() {
      const [summary, sources] = await Promise.all([advisories.summary(), advisories.sources()]);
      return { ...summary, sources };
    },

    async overview(p, { days, now }) {
      // Every feed or import run that changed something records its source: the latest is the last change.
      const lastUpdate = (await advisories.sources()).map((s) => s.updatedAt).sort().at(-1) ?? null;
      const overview = await store.overview(p.orgId, { days, since: lastUpdate, ...(now ? { now } : {}) });
      return { ...overview, advisories: { lastUpdate } };
    },

    async vulnerability(p, id) {
      const found = await advisories.find(id);
      const displayIds = [id, ...found.flatMap((a) => [a.id, ...a.aliases])];
      const findings = await store.vulnerableImages(p.orgId, id, displayIds);
      if (found.length === 0 && findings.images.length === 0) return null;
      const detail = describeVulnerability(id, found, findings);
      const cves = [detail.id, ...detail.aliases].filter((x) => x.startsWith('CVE-'));
      const [kev, epss] = await Promise.all([advisories.knownExploited(cves), advisories.exploitPredictions(cves)]);
      return {
        ...detail,
        kev: cves.map((c) => kev.get(c)).find((k) => k !== undefined) ?? null,
        epss: [...epss.values()].reduce<VulnerabilityDetail['epss']>((best, e) => (best === null || e.score > best.score ? e : best), null),
      };
    },

    async vulnerabilities(p, query) {
      const { total, rows } = await store.listVulnerabilities(p.orgId, query);
      const kev = await advisories.knownExploited([...new Set(rows.flatMap((r) => [r.id, ...r.ids]).filter((x) => x.startsWith('CVE-')))]);
      return { total, vulnerabilities: rows.map(({ ids, ...row }) => ({ ...row, kev: [row.id, ...ids].some((x) => kev.has(x)) })) };
    },
  };
}

/** The order of severity ratings, least first. */
const RATING_ORDER: readonly string[] = ['unknown', 'none', 'low', 'medium', 'high', 'critical'];

/** The worse of two severities: the higher rating, then the higher score. */
function worseSeverity(a: Severity | null, b: Severity | null): Severity | null {
  if (!a || !b) return a ?? b;
  const byRating = RATING_ORDER.indexOf(b.rating) - RATING_ORDER.indexOf(a.rating);
  return byRating > 0 || (byRating === 0 && (b.score ?? -1) > (a.score ?? -1)) ? b : a;
}

/**
 * Vulnerability `id` as its stored advisories `found` describe it (the one with that id first, then the others),
 * and where the org's `findings` are; without advisories, as the findings describe it. Exploit data is left out.
 */
function describeVulnerability(id: string, found: readonly Advisory[], findings: VulnerabilityFindings): Omit<VulnerabilityDetail, 'kev' | 'epss'> {
  const advisories = [...found].sort((a, b) => (a.id === id ? -1 : b.id === id ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const aliases = new Set([...advisories.flatMap((a) => [a.id, ...a.aliases]), ...findings.ids]);
  aliases.delete(id);
  const references = new Map<string, { type: string; url: string }>();
  for (const a of advisories) for (const r of a.references) if (!references.has(`${r.type} ${r.url}`)) references.set(`${r.type} ${r.url}`, { type: r.type, url: r.url });
  const published = advisories.map((a) => a.published).filter((t): t is string => t !== null).sort();
  const modified = advisories.map((a) => a.modified).sort();
  return {
    id,
    aliases: [...aliases].sort(),
    summary: advisories.find((a) => a.summary)?.summary ?? findings.summary,
    details: advisories.find((a) => a.details)?.details ?? null,
    severity: advisories.length ? advisories.map((a) => a.severity).reduce(worseSeverity, null) : findings.severity,
    published: published[0] ?? null,
    modified: modified.at(-1) ?? null,
    references: [...references.values()],
    affected: advisories.flatMap((a) => a.affected.map((x) => ({ ecosystem: x.ecosystem, name: x.name, ranges: x.ranges, versions: x.versions }))),
    advisories: advisories.map((a) => a.id).sort(),
    images: findings.images,
    environments: [...new Set(findings.images.flatMap((i) => i.environments))].sort(),
  };
}

/**
 * The advisory database's digest (findings cite it), computed once and again only when the store changed: the
 * store's change marker (its sources' last runs, written with every update) stands guard, since `db import` may
 * write the same store.
 */
function databaseDigest(advisories: AdvisoryStore): { state(): Promise<{ marker: string; digest: string }>; forget(): void } {
  let cached: { marker: string; digest: string } | null = null;
  return {
    async state() {
      const marker = await advisories.changeMarker();
      if (cached?.marker !== marker) cached = { marker, digest: (await advisories.summary()).digest };
      return cached;
    },
    forget() {
      cached = null;
    },
  };
}
