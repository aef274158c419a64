// Small building blocks every page uses: page header, cards, stats, key-value lists, code, digests with copy,
// loading and error states, a pager and tabs that are links (so every tab has a URL).
import { Check, Copy, TriangleAlert } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import { ApiError } from '../api/client.ts';
import { count, shortDigest } from '../format.ts';

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <div className="subtitle">{subtitle}</div> : null}
      </div>
      {actions ? <div className="actions">{actions}</div> : null}
    </header>
  );
}

export function Card({ title, actions, children, className = '' }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className}`}>
      {title || actions ? (
        <div className="card-head">
          {title ? <h2>{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      <div className="card-body">{children}</div>
    </section>
  );
}

/** Short labels as chips (environments, scopes, events); `empty` (default an em dash) when there are none. */
export function Chips({ items, empty = <span className="muted">—</span> }: { items: readonly string[]; empty?: ReactNode }) {
  if (items.length === 0) return <>{empty}</>;
  return (
    <>
      {items.map((item) => (
        <span key={item} className="chip">
          {item}
        </span>
      ))}
    </>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

/** Rows of label and value; values that are null or empty show an em dash. */
export function KeyValues({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="kv">
      {rows.map(([label, value]) => (
        <div key={label} className="kv-row">
          <dt>{label}</dt>
          <dd>{value === null || value === undefined || value === '' ? <span className="muted">—</span> : value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="icon-button"
      title={label}
      aria-label={label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1200);
        });
      }}
    >
      {copied ? <Check size={14} /> : <Copy size={14} />}
    </button>
  );
}

/** A digest shortened, the whole one in its title, with a copy button. */
export function Digest({ value, full = false }: { value: string | null | undefined; full?: boolean }) {
  if (!value) return <span className="muted">—</span>;
  return (
    <span className="digest">
      <code title={value}>{full ? value : shortDigest(value)}</code>
      <CopyButton text={value} label="Copy digest" />
    </span>
  );
}

export function CodeBlock({ code, language }: { code: string; language?: string }) {
  return (
    <div className="code-block">
      <div className="code-tools">
        {language ? <span className="muted">{language}</span> : <span />}
        <CopyButton text={code} />
      </div>
      <pre>
        <code>
          {code
            .replace(/\n$/, '')
            .split('\n')
            .map((line, i) => (
              <span key={i} className="code-line">
                <span className="line-no">{i + 1}</span>
                {language === 'Dockerfile' ? <DockerfileLine line={line} /> : line}
                {'\n'}
              </span>
            ))}
        </code>
      </pre>
    </div>
  );
}

/** A Dockerfile line with its instruction keyword (or the whole comment) marked. */
function DockerfileLine({ line }: { line: string }) {
  if (line.trimStart().startsWith('#')) return <span className="tok-comment">{line}</span>;
  const match = /^(\s*)(FROM|RUN|COPY|ADD|ENV|ARG|WORKDIR|USER|EXPOSE|CMD|ENTRYPOINT|LABEL|VOLUME|HEALTHCHECK|SHELL|ONBUILD|STOPSIGNAL|MAINTAINER)(\s|$)/i.exec(line);
  if (!match) return <>{line}</>;
  const keywordEnd = match[1]!.length + match[2]!.length;
  return (
    <>
      {match[1]}
      <span className="tok-instruction">{match[2]}</span>
      {line.slice(keywordEnd)}
    </>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" /> {label}
    </div>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  return (
    <div className="error-box" role="alert">
      <TriangleAlert size={16} /> {message}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** Page n of a list paged on the server: previous / next and the range shown. */
export function Pager({ offset, limit, total, onChange }: { offset: number; limit: number; total: number; onChange: (offset: number) => void }) {
  const last = Math.min(offset + limit, total);
  return (
    <div className="pager">
      <span className="muted">{total === 0 ? 'none' : `${count(offset + 1)}–${count(last)} of ${count(total)}`}</span>
      <button type="button" className="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        Previous
      </button>
      <button type="button" className="button" disabled={last >= total} onClick={() => onChange(offset + limit)}>
        Next
      </button>
    </div>
  );
}

/** Tabs that are links: each tab is its own URL. */
export function TabLinks({ tabs }: { tabs: { to: string; label: ReactNode; end?: boolean }[] }) {
  return (
    <nav className="tabs" aria-label="Sections">
      {tabs.map((t) => (
        <NavLink key={t.to} to={t.to} end={t.end ?? false} className={({ isActive }) => `tab${isActive ? ' active' : ''}`}>
          {t.label}
        </NavLink>
      ))}
    </nav>
  );
}
