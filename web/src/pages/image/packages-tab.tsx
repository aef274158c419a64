// The packages tab: every package of the image, paged on the server.
import { PackageList } from './package-list.tsx';

export function PackagesTab({ digest }: { digest: string }) {
  return <PackageList digest={digest} />;
}
