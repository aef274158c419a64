// The distribution of a package list that carries only purls (a local analysis, stored packages): OS packages'
// purls name it in their `distro` qualifier.
import type { OsRelease } from '../core/model.ts';
import type { Package } from '../core/package.ts';

/**
 * The distribution of `packages`, from their OS packages' `distro` qualifiers (`debian-12`, `ubuntu-22.04`,
 * `alpine-3.20.3`, `opensuse-leap-15.5`, `debian-trixie`): the payload carries purls only. Ubuntu's even-year
 * April releases are its LTS ones.
 */
export function distroOf(packages: readonly Package[]): OsRelease | null {
  for (const p of packages) {
    if (p.type !== 'deb' && p.type !== 'apk' && p.type !== 'rpm') continue;
    const qualifier = /[?&]distro=([^&#]+)/.exec(p.purl)?.[1];
    if (!qualifier) continue;
    const text = decodeURIComponent(qualifier);
    const m = /^(.+?)-(\d[\w.]*|[a-z]+)$/.exec(text);
    const id = m?.[1] ?? text;
    const version = m?.[2] ?? null;
    const numeric = version !== null && /^\d/.test(version);
    const lts = id === 'ubuntu' && numeric && /^(\d\d)\.04$/.test(version) && Number(version.slice(0, 2)) % 2 === 0;
    return { id, versionId: numeric ? version : null, versionCodename: numeric ? null : version, prettyName: lts ? `Ubuntu ${version} LTS` : null, name: null, idLike: [], path: '' };
  }
  return null;
}
