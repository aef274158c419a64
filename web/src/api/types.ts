// The shapes the dashboard reads from /api/v1 (docs/api.md), imported from the server's own model as types, so
// the two cannot drift. Only the stored-image view without packages is declared here.
import type { ImageMetadata, OsRelease } from '../../../src/core/model.ts';
import type { SecretFinding } from '../../../src/core/secret.ts';
import type { ImageSummary } from '../../../src/platform/model.ts';
import type { Deployment } from '../../../src/platform/store/environments.ts';

export type { ImageMetadata, LayerInfo, OsRelease } from '../../../src/core/model.ts';
export type { SecretFinding } from '../../../src/core/secret.ts';
export type { Finding } from '../../../src/match/matcher.ts';
export type {
  BaseMatch,
  ImageLayerRow as LayerRow,
  ImagePackagePage as PackagePage,
  ImagePackageRow,
  ImagePage,
  ImageSummary,
  Overview,
  SeverityCounts,
  SeverityRating as Rating,
  TokenInfo,
  TokenScope,
  VulnerabilityDetail,
  VulnerabilityPage,
} from '../../../src/platform/model.ts';
export type { Deployment } from '../../../src/platform/store/environments.ts';
export type { ListedCatalogEntry as CatalogEntry } from '../../../src/platform/store/platform-store.ts';
export type { WebhookDeliveryInfo as WebhookDelivery, WebhookInfo as Webhook } from '../../../src/platform/store/webhooks.ts';
export { SEVERITY_RATINGS as SEVERITIES } from '../../../src/platform/model.ts';

/** `GET /images/{digest}?packages=false`: the stored image without its package list (the dashboard pages that). */
export interface StoredImageView {
  summary: ImageSummary;
  metadata: ImageMetadata;
  secrets: SecretFinding[];
  distro: OsRelease | null;
}

/** `GET /environments`: one environment and what runs there. */
export interface Environment {
  name: string;
  deployments: Deployment[];
}
