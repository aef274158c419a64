// The page for a URL the dashboard does not have.
import { Link } from 'react-router';
import { useReady } from '../components/ready.tsx';
import { Empty, PageHeader } from '../components/ui.tsx';

export function NotFoundPage() {
  useReady(true);
  return (
    <>
      <PageHeader title="Not found" />
      <Empty>
        There is no page here. <Link to="/">Back to the overview</Link>
      </Empty>
    </>
  );
}
