// Every page and its URL. Pages are loaded on first visit, so the first screen downloads only what it shows.
import { createBrowserRouter, Navigate, Outlet, useLocation } from 'react-router';
import { useEffect, useState } from 'react';
import { onUnauthenticated } from './api/client.ts';
import { imageFindingsQuery, imageQuery, overviewQuery, vulnerabilityQuery } from './api/hooks.ts';
import { queryClient } from './api/query-client.ts';
import { sessionToken } from './auth/session.ts';
import { Layout } from './components/layout.tsx';
import { LoginPage } from './pages/login.tsx';
import { NotFoundPage } from './pages/not-found.tsx';

/** Signed-in pages only: without a token, the sign-in page (which comes back here afterwards). */
function RequireToken() {
  const location = useLocation();
  const [token, setToken] = useState(sessionToken());
  useEffect(() => onUnauthenticated(() => setToken(null)), []);
  if (!token) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <Outlet />;
}

const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({ Component: (await load()).default });

/**
 * A loader that starts requests without waiting for them: React Router runs it beside the page's lazy import, so
 * the data and the code arrive together instead of one after the other. Without a token it starts nothing.
 */
const prefetch =
  (start: (params: Record<string, string | undefined>) => void) =>
  ({ params }: { params: Record<string, string | undefined> }) => {
    if (sessionToken()) start(params);
    return null;
  };

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <RequireToken />,
    children: [
      {
        element: <Layout />,
        children: [
          { index: true, loader: prefetch(() => void queryClient.prefetchQuery(overviewQuery(30))), lazy: page(() => import('./pages/overview.tsx')) },
          { path: 'images', lazy: page(() => import('./pages/images.tsx')) },
          {
            path: 'images/:digest/:tab?',
            loader: prefetch(({ digest = '' }) => {
              void queryClient.prefetchQuery(imageQuery(digest));
              void queryClient.prefetchQuery(imageFindingsQuery(digest));
            }),
            lazy: page(() => import('./pages/image/image-page.tsx')),
          },
          { path: 'vulnerabilities', lazy: page(() => import('./pages/vulnerabilities.tsx')) },
          { path: 'vulnerabilities/:id', loader: prefetch(({ id = '' }) => void queryClient.prefetchQuery(vulnerabilityQuery(id))), lazy: page(() => import('./pages/vulnerability.tsx')) },
          { path: 'environments', lazy: page(() => import('./pages/environments.tsx')) },
          { path: 'settings', element: <Navigate to="/settings/tokens" replace /> },
          { path: 'settings/:section', lazy: page(() => import('./pages/settings.tsx')) },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
