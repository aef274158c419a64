// Registry families told apart by host name, and the API base URL a registry host is reached at.
import type { RegistryType } from '../../core/model.ts';

/** Host names under which Docker Hub is known; all of them are served by one API host. */
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Docker Hub's API host: `docker.io` names the registry, but the v2 API lives here. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

// Order matters only where patterns could overlap; the first match wins.
const RULES: readonly { type: RegistryType; test: (host: string) => boolean }[] = [
  { type: 'dockerhub', test: (h) => DOCKER_HUB_HOSTS.has(h) },
  { type: 'ghcr', test: (h) => h === 'ghcr.io' },
  // Private ECR: <12-digit account>.dkr.ecr[-fips].<region>.amazonaws.com, and .com.cn in the China regions.
  // ECR Public (public.ecr.aws) is the same service family, so it is reported as ecr too.
  { type: 'ecr', test: (h) => /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(h) || h === 'public.ecr.aws' },
  // Container Registry (gcr.io and its regional mirrors) and Artifact Registry (<region>-docker.pkg.dev).
  { type: 'gcr', test: (h) => h === 'gcr.io' || h.endsWith('.gcr.io') || /^[a-z0-9-]+-docker\.pkg\.dev$/.test(h) },
  { type: 'acr', test: (h) => /^[a-z0-9-]+\.azurecr\.(io|cn)$/.test(h) },
  { type: 'quay', test: (h) => h === 'quay.io' },
  // Harbor has no fixed host; installations are very often named after it (harbor.example.com,
  // registry-harbor.corp). A heuristic by design: a Harbor under another name reports `other`, and
  // probing /api/v2.0/systeminfo was rejected to keep detection free of network calls.
  { type: 'harbor', test: (h) => h.includes('harbor') },
];

/** Lower-cased host without its port (IPv6 literals keep their brackets). */
function bareHost(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** The registry family a host (`host[:port]`) belongs to, judged by its name alone. */
export function registryType(host: string): RegistryType {
  const h = bareHost(host);
  return RULES.find((r) => r.test(h))?.type ?? 'other';
}

/** The host the v2 API is served from: Docker Hub's names map to its API host, others are kept (with port). */
export function apiHost(host: string): string {
  return DOCKER_HUB_HOSTS.has(bareHost(host)) ? DOCKER_HUB_API_HOST : host.trim().toLowerCase();
}

/** Base URL of a registry's API, e.g. `https://registry-1.docker.io`; plain `http://` only when `insecure`. */
export function registryUrl(host: string, insecure = false): string {
  return `${insecure ? 'http' : 'https'}://${apiHost(host)}`;
}
