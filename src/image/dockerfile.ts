// Just enough Dockerfile to find the FROM of the stage that was built: directives, global ARGs, stages.
import { type ImageName, parseImageName } from './reference.ts';

interface Stage {
  /** The FROM argument after global-ARG expansion; null when it uses an ARG with no value. */
  from: string | null;
  /** Stage name (`AS name`), lowercased as BuildKit matches them. */
  name: string | null;
}

/** The parts of a Dockerfile that decide which image the built stage starts FROM. */
export interface DockerfileStages {
  syntax: string | null;
  globalArgs: Map<string, string | null>;
  stages: Stage[];
}

/** Read parser directives, global ARGs and the FROM of every stage. */
export function parseDockerfileStages(text: string): DockerfileStages {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  let syntax: string | null = null;
  let i = 0;
  // Parser directives are only recognised at the very top, before any other line.
  for (; i < lines.length; i++) {
    const d = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[i] ?? '');
    if (!d?.[1] || d[2] === undefined) break;
    const key = d[1].toLowerCase();
    if (key === 'escape' && (d[2] === '`' || d[2] === '\\')) escape = d[2];
    else if (key === 'syntax') syntax = d[2];
  }

  const globalArgs = new Map<string, string | null>();
  const stages: Stage[] = [];
  while (i < lines.length) {
    // Join continuation lines; comment lines inside a continued instruction are dropped, as Docker does.
    let instruction = '';
    for (; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (/^\s*#/.test(line) || line.trim() === '') continue;
      const trimmed = line.replace(/\s+$/, '');
      if (trimmed.endsWith(escape)) {
        instruction += trimmed.slice(0, -1);
        continue;
      }
      instruction += line;
      i++;
      break;
    }
    if (instruction.trim() === '') break;
    const words = instruction.trim().split(/\s+/);
    const keyword = words[0]?.toUpperCase();
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      // Heredoc bodies (RUN <<EOF … EOF) are content, not instructions.
      for (const h of instruction.matchAll(/<<(-?)(["']?)([A-Za-z_][\w-]*)\2/g)) {
        while (i < lines.length) {
          const body = lines[i++] ?? '';
          if ((h[1] === '-' ? body.replace(/^\t+/, '') : body) === h[3]) break;
        }
      }
    }
    if (keyword === 'ARG' && stages.length === 0) {
      for (const word of words.slice(1)) {
        const eq = word.indexOf('=');
        if (eq < 0) globalArgs.set(word, null);
        else globalArgs.set(word.slice(0, eq), unquote(word.slice(eq + 1)));
      }
    } else if (keyword === 'FROM') {
      const rest = words.slice(1).filter((w) => !w.startsWith('--'));
      const as = rest[1]?.toLowerCase() === 'as' ? rest[2] : undefined;
      stages.push({ from: rest[0] ?? null, name: as ? as.toLowerCase() : null });
    }
  }
  return { syntax, globalArgs, stages };
}

function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

/**
 * The image at the root of the built stage: the `target` stage when one was asked for, else the last, followed back
 * through stage names. `scratch` when the stage starts from nothing; null when it cannot be told.
 */
/** The image the built stage (the `target` arg, else the last) starts from, following stage aliases. */
export function finalFrom(parsed: DockerfileStages, args: Record<string, string>): ImageName | 'scratch' | null {
  const vars = new Map<string, string | null>(parsed.globalArgs);
  for (const [k, v] of Object.entries(args)) {
    // Build args override a global ARG's default only when the Dockerfile declares that ARG.
    if (k.startsWith('build-arg:') && vars.has(k.slice('build-arg:'.length))) vars.set(k.slice('build-arg:'.length), v);
  }
  const target = args.target?.toLowerCase();
  let index = target ? parsed.stages.findIndex((s) => s.name === target) : parsed.stages.length - 1;
  if (index < 0) index = parsed.stages.length - 1;
  for (let hops = 0; index >= 0 && hops <= parsed.stages.length; hops++) {
    const stage = parsed.stages[index];
    if (!stage?.from) return null;
    const from = expand(stage.from, vars);
    if (from === null) return null;
    const lower = from.toLowerCase();
    if (lower === 'scratch') return 'scratch';
    const earlier = parsed.stages.slice(0, index).findLastIndex((s) => s.name === lower);
    if (earlier < 0) return parseImageName(from);
    index = earlier;
  }
  return null;
}

// `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME-default}`: the forms used in FROM lines. Null when unresolved.
function expand(text: string, vars: Map<string, string | null>): string | null {
  let unresolved = false;
  const out = text.replace(/\$(?:\{([A-Za-z_]\w*)(?:(:?-)([^}]*))?\}|([A-Za-z_]\w*))/g, (_m, braced: string | undefined, op: string | undefined, def: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = vars.get(name);
    if (op === ':-' && !value) return def ?? '';
    if (op === '-' && value == null) return def ?? '';
    if (value == null) {
      unresolved = true;
      return '';
    }
    return value;
  });
  return unresolved || out === '' ? null : out;
}
