// Swift cataloger: SwiftPM Package.resolved files (also the ones Xcode keeps under xcshareddata/swiftpm/).
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { parsePackageResolved } from './parse-package-resolved.ts';

/** Swift packages pinned by `Package.resolved`. */
export const swiftPackageResolvedCataloger = globCataloger('swift-package-resolved', 1, [
  { glob: '**/Package.resolved', parse: parsePackageResolved },
]) satisfies Cataloger;
