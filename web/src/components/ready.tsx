// Page readiness: a page calls useReady(true) once its primary data is on screen. The layout then sets
// data-ready="true" on <main> and the page's navigation gets one `sextant:ready` performance mark, which the
// end-to-end tests wait for and the dashboard benchmark measures.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router';

interface ReadyState {
  readyKey: string | null;
  setReadyKey: (key: string) => void;
}

const ReadyContext = createContext<ReadyState>({ readyKey: null, setReadyKey: () => undefined });

/** Holds which navigation (location key) has become ready. */
export function ReadyProvider({ children }: { children: ReactNode }) {
  const [readyKey, setReadyKey] = useState<string | null>(null);
  return <ReadyContext.Provider value={{ readyKey, setReadyKey }}>{children}</ReadyContext.Provider>;
}

/** Whether the current navigation's page has said it is ready. */
export function useIsReady(): boolean {
  const { readyKey } = useContext(ReadyContext);
  return readyKey === useLocation().key;
}

const marked = new Set<string>();

/** Say the page is ready when `ready` turns true (once per navigation). */
export function useReady(ready: boolean): void {
  const { setReadyKey } = useContext(ReadyContext);
  const location = useLocation();
  useEffect(() => {
    if (!ready) return;
    setReadyKey(location.key);
    if (!marked.has(location.key)) {
      marked.add(location.key);
      performance.mark('sextant:ready', { detail: location.pathname });
    }
  }, [ready, location.key, location.pathname, setReadyKey]);
}
