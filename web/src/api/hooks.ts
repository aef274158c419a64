// React Query hooks over the API: one per resource, keyed by its path and query, so pages share what they fetched.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Query } from './client.ts';
import type {
  CatalogEntry,
  Environment,
  Finding,
  ImagePage,
  LayerRow,
  Overview,
  PackagePage,
  StoredImageView,
  TokenInfo,
  TokenScope,
  VulnerabilityDetail,
  VulnerabilityPage,
  BaseMatch,
  Webhook,
  WebhookDelivery,
} from './types.ts';

const digestPath = (digest: string) => `/images/${digest}`;

/** The overview (also started by the route's loader, while the page's code loads). */
export const overviewQuery = (days: number) => queryOptions({ queryKey: ['overview', days], queryFn: ({ signal }) => api<Overview>('/overview', { query: { days }, signal }) });

export function useOverview(days = 30) {
  return useQuery(overviewQuery(days));
}

export function useImages(query: Query) {
  return useQuery({ queryKey: ['images', query], queryFn: ({ signal }) => api<ImagePage>('/images', { query, signal }), placeholderData: keepPreviousData });
}

/** A stored image without its packages (also started by the route's loader). */
export const imageQuery = (digest: string) => queryOptions({ queryKey: ['image', digest], queryFn: ({ signal }) => api<StoredImageView>(digestPath(digest), { query: { packages: false }, signal }) });

/** A stored image's findings (also started by the route's loader). */
export const imageFindingsQuery = (digest: string) =>
  queryOptions({ queryKey: ['image', digest, 'findings'], queryFn: ({ signal }) => api<{ digest: string; findings: Finding[] }>(`${digestPath(digest)}/findings`, { signal }) });

export function useImage(digest: string) {
  return useQuery(imageQuery(digest));
}

export function useImageFindings(digest: string) {
  return useQuery(imageFindingsQuery(digest));
}

export function useImageBase(digest: string) {
  return useQuery({ queryKey: ['image', digest, 'base'], queryFn: ({ signal }) => api<BaseMatch>(`${digestPath(digest)}/base`, { signal }) });
}

export function useImageLayers(digest: string) {
  return useQuery({ queryKey: ['image', digest, 'layers'], queryFn: ({ signal }) => api<{ layers: LayerRow[] }>(`${digestPath(digest)}/layers`, { signal }) });
}

export function useImagePackages(digest: string, query: Query, enabled = true) {
  return useQuery({
    queryKey: ['image', digest, 'packages', query],
    queryFn: ({ signal }) => api<PackagePage>(`${digestPath(digest)}/packages`, { query, signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** One vulnerability (also started by the route's loader). */
export const vulnerabilityQuery = (id: string) =>
  queryOptions({ queryKey: ['vulnerability', id], queryFn: ({ signal }) => api<VulnerabilityDetail>(`/vulnerabilities/${encodeURIComponent(id)}`, { signal }) });

export function useVulnerability(id: string) {
  return useQuery(vulnerabilityQuery(id));
}

export function useVulnerabilities(query: Query) {
  return useQuery({ queryKey: ['vulnerabilities', query], queryFn: ({ signal }) => api<VulnerabilityPage>('/vulnerabilities', { query, signal }), placeholderData: keepPreviousData });
}

export function useEnvironments() {
  return useQuery({ queryKey: ['environments'], queryFn: ({ signal }) => api<{ environments: Environment[] }>('/environments', { signal }) });
}

export function useTokens() {
  return useQuery({ queryKey: ['tokens'], queryFn: ({ signal }) => api<{ tokens: TokenInfo[] }>('/tokens', { signal }) });
}

export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scopes: TokenScope[] }) => api<{ token: string; info: TokenInfo }>('/tokens', { method: 'POST', body: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tokens'] }),
  });
}

export function useRevokeToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tokens'] }),
  });
}

export function useWebhooks() {
  return useQuery({ queryKey: ['webhooks'], queryFn: ({ signal }) => api<{ webhooks: Webhook[] }>('/webhooks', { signal }) });
}

export function useWebhookDeliveries(id: string | null) {
  return useQuery({
    queryKey: ['webhooks', id, 'deliveries'],
    queryFn: ({ signal }) => api<{ deliveries: WebhookDelivery[] }>(`/webhooks/${encodeURIComponent(id ?? '')}/deliveries`, { signal }),
    enabled: id !== null,
  });
}

export function useCreateWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { url: string; events: string[] }) => api<{ webhook: Webhook; secret: string }>('/webhooks', { method: 'POST', body: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['webhooks'] }),
  });
}

export function useDeleteWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/webhooks/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['webhooks'] }),
  });
}

export function useCatalog() {
  return useQuery({ queryKey: ['catalog'], queryFn: ({ signal }) => api<{ entries: CatalogEntry[] }>('/catalog', { signal }) });
}
