// Debian's Chromium (/usr/bin/chromium) driven by playwright-core, for the dashboard's end-to-end tests and its
// benchmark: pages that record console errors, page errors and failed requests, sign-in through sessionStorage,
// the app's readiness contract (`main[data-ready="true"]`, the `sextant:ready` mark) and full-page screenshots.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian installs Chromium (`apt-get install chromium`); playwright-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** The sessionStorage key the dashboard keeps its API token under. */
export const TOKEN_KEY = 'sextant.token';

/** The performance mark the dashboard sets once per navigation when a page's primary data is displayed. */
export const READY_MARK = 'sextant:ready';

/** Screenshots go here (test-output/ is git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/dashboard/', import.meta.url));

/** Chromium's switches: no sandbox (containers, root), and nothing that reaches the internet on its own. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Launch headless Chromium. Throws with an install hint when /usr/bin/chromium is missing. */
export async function launchBrowser(): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (err) {
    const message = (err as Error).message;
    if (/ENOENT|doesn't exist|not found/i.test(message)) throw new Error(`${CHROMIUM} not found: the dashboard tests need Debian's Chromium (apt-get install chromium)`, { cause: err });
    throw err;
  }
}

/** Something that went wrong in a page: a console error, an uncaught exception, or a request that failed. */
export interface PageProblem {
  kind: 'console' | 'pageerror' | 'requestfailed' | 'http';
  text: string;
}

/** A page in its own browser context, with what went wrong in it so far. */
export interface RecordedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors, failed requests and HTTP errors (status >= 400) seen so far, in order. */
  problems: PageProblem[];
  /** Close the context (and its page). */
  close(): Promise<void>;
}

/** Options for {@link openPage}. */
export interface OpenPageOptions {
  /** The dashboard's origin, e.g. the fixture's server URL; relative `page.goto` paths resolve against it. */
  baseURL?: string;
  /** Sign in: the token is put into sessionStorage (key {@link TOKEN_KEY}) before any of the app's scripts run. */
  token?: string;
  /** Viewport; default 1440 × 900. */
  viewport?: { width: number; height: number };
  /**
   * HTTP statuses (>= 400) a test expects and that are not problems, e.g. `[401]` for a sign-in with a bad token.
   * Default none: every 4xx/5xx answer the page receives is recorded.
   */
  allowStatuses?: number[];
}

/**
 * Open a page in a fresh context (no cache, cookies or storage shared with other pages) that records every console
 * error, uncaught page error, failed request and HTTP error answer in `problems`, so a test can assert there were
 * none. With `token`, the page is signed in from its first navigation on.
 */
export async function openPage(browser: Browser, options: OpenPageOptions = {}): Promise<RecordedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1440, height: 900 },
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    // No service worker may answer from a cache: every run measures the server.
    serviceWorkers: 'block',
  });
  if (options.token !== undefined) await signIn(context, options.token);
  const page = await context.newPage();
  const problems: PageProblem[] = [];
  const allowed = new Set(options.allowStatuses ?? []);
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location();
      problems.push({ kind: 'console', text: `${shortenDataUrls(message.text())}${where.url ? ` (${shortenDataUrls(where.url)}:${where.lineNumber})` : ''}` });
    }
  });
  page.on('pageerror', (error) => problems.push({ kind: 'pageerror', text: error.stack ?? error.message }));
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    // A navigation away aborts the requests still in flight: that is the browser's doing, not the app's.
    if (failure === 'net::ERR_ABORTED') return;
    problems.push({ kind: 'requestfailed', text: `${request.method()} ${shortenDataUrls(request.url())}: ${failure}` });
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !allowed.has(response.status())) problems.push({ kind: 'http', text: `${response.request().method()} ${response.url()}: HTTP ${response.status()}` });
  });
  return { context, page, problems, close: () => context.close() };
}

/** Messages quote inlined assets (`data:font/woff2;base64,…`) whole: keep their first characters only. */
function shortenDataUrls(text: string): string {
  return text.replace(/(data:[^,\s'"]*,)([^\s'"]{24})[^\s'"]{40,}/g, '$1$2…');
}

/** Put `token` into sessionStorage (key {@link TOKEN_KEY}) of every page of `context` before the app loads. */
export async function signIn(context: BrowserContext, token: string): Promise<void> {
  await context.addInitScript(
    ([key, value]) => {
      // Runs in the page, before its scripts: the app then starts signed in.
      (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem(key, value);
    },
    [TOKEN_KEY, token] as const,
  );
}

/** Wait until the page's `<main>` says its primary data is displayed (`data-ready="true"`); default 15 s. */
export async function waitForReady(page: Page, timeoutMs = 15_000): Promise<void> {
  await page.locator('main[data-ready="true"]').waitFor({ state: 'attached', timeout: timeoutMs });
}

/** What the browser measured of the current navigation, in milliseconds from its start. */
export interface NavigationTiming {
  /** The `sextant:ready` mark's time, or null when the app has not set it (yet). */
  ready: number | null;
  /** How many `sextant:ready` marks this navigation has (the contract: one). */
  readyMarks: number;
  /** DOMContentLoaded (its event end), or null before it. */
  domContentLoaded: number | null;
  /** The load event's end, or null before it. */
  load: number | null;
}

/** The browser's `performance`, as far as these helpers read it (the project's types are Node's, not the DOM's). */
interface BrowserPerformance {
  getEntriesByName(name: string, type: string): { startTime: number }[];
  getEntriesByType(type: string): { domContentLoadedEventEnd?: number; loadEventEnd?: number }[];
}

/** Read the current navigation's timing: the ready mark, DOMContentLoaded and load. */
export async function navigationTiming(page: Page): Promise<NavigationTiming> {
  return page.evaluate((mark) => {
    const perf = (globalThis as unknown as { performance: BrowserPerformance }).performance;
    const marks = perf.getEntriesByName(mark, 'mark');
    const nav = perf.getEntriesByType('navigation')[0];
    const positive = (n: number | undefined) => (n !== undefined && n > 0 ? n : null);
    return { ready: marks[0]?.startTime ?? null, readyMarks: marks.length, domContentLoaded: positive(nav?.domContentLoadedEventEnd), load: positive(nav?.loadEventEnd) };
  }, READY_MARK);
}

/** The page's JavaScript heap as Chromium's DevTools protocol reports it (used and total), in bytes. */
export async function jsHeap(page: Page): Promise<{ used: number; total: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
    return { used: value('JSHeapUsedSize'), total: value('JSHeapTotalSize') };
  } finally {
    await cdp.detach();
  }
}

/** Save a full-page screenshot as `test-output/dashboard/<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name "${name}": use letters, digits, ".", "_" and "-"`);
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The problems as lines, for an assertion message. */
export function describeProblems(problems: readonly PageProblem[]): string {
  return problems.map((p) => `${p.kind}: ${p.text}`).join('\n');
}
