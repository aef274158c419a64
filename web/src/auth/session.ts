// The API token of this browser session: kept in sessionStorage, so it lives as long as the tab and is never
// written to disk by the app. Every API call reads it from here.

const KEY = 'sextant.token';

/** The token the user signed in with, or null. */
export function sessionToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Keep `token` for this session. */
export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token);
}

/** Forget the token (sign out, or the server refused it). */
export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
