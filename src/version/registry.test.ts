import { describe, expect, it } from 'vitest';
import { schemeFor, versionSchemes } from './registry.ts';

describe('version scheme registry', () => {
  it('has every scheme under its own name', () => {
    expect(Object.keys(versionSchemes).sort()).toEqual(['apk', 'composer', 'deb', 'gem', 'go', 'maven', 'nuget', 'pep440', 'rpm', 'semver']);
    for (const [name, scheme] of Object.entries(versionSchemes)) expect(scheme.name).toBe(name);
  });

  it('maps OSV ecosystems, release suffixes and range types to schemes', () => {
    expect(schemeFor('Debian:12')?.name).toBe('deb');
    expect(schemeFor('Ubuntu:22.04:LTS')?.name).toBe('deb');
    expect(schemeFor('Alpine:v3.20')?.name).toBe('apk');
    expect(schemeFor('Rocky Linux:9')?.name).toBe('rpm');
    expect(schemeFor('Maven:https://maven.google.com')?.name).toBe('maven');
    expect(schemeFor('PyPI')?.name).toBe('pep440');
    expect(schemeFor('Go', 'SEMVER')?.name).toBe('go');
    expect(schemeFor('npm', 'SEMVER')?.name).toBe('semver');
    expect(schemeFor('Hackage')).toBeUndefined();
    // Ordering must agree with the ecosystem's tools on a sample of each.
    expect(schemeFor('Debian:12')?.compare('1.2-1~deb12u1', '1.2-1')).toBeLessThan(0);
    expect(schemeFor('PyPI')?.compare('1.0rc1', '1.0')).toBeLessThan(0);
    expect(schemeFor('Go', 'SEMVER')?.compare('v1.2.3', '1.2.3')).toBe(0);
  });
});
