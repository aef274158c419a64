// META-INF/maven/<groupId>/<artifactId>/pom.xml: the few project elements a catalogue needs from an embedded POM.
import { XMLParser } from 'fast-xml-parser';

/** What an embedded pom.xml tells beside pom.properties: descriptive fields, licences, and the parent's coordinates. */
export interface PomProject {
  groupId: string | null;
  artifactId: string | null;
  version: string | null;
  name: string | null;
  description: string | null;
  url: string | null;
  /** `<licenses><license><name>` (or its `<url>` when unnamed), in order. */
  licenses: string[];
  /** `<developers><developer>` as `Name <email>`. */
  developers: string[];
  organization: string | null;
  parent: { groupId: string | null; artifactId: string | null; version: string | null } | null;
}

// Values stay strings (`1.10` is not the number 1.1); attributes and namespaces carry nothing we read.
const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'license' || name === 'developer',
});

type Node = Record<string, unknown>;

function node(v: unknown): Node | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : null;
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.replace(/\s+/g, ' ').trim() || null;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/**
 * The project fields of a pom.xml; null when the text is not XML with a `<project>` root. `${…}` references to
 * the project's own coordinates, its parent's and its `<properties>` are resolved; others stay as written.
 */
export function parsePomXml(xml: string): PomProject | null {
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    return null;
  }
  const project = node(node(doc)?.['project']);
  if (!project) return null;
  const parentNode = node(project['parent']);
  const parent = parentNode
    ? { groupId: text(parentNode['groupId']), artifactId: text(parentNode['artifactId']), version: text(parentNode['version']) }
    : null;
  const props = new Map<string, string>();
  for (const [k, v] of Object.entries(node(project['properties']) ?? {})) {
    const t = text(v);
    if (t !== null) props.set(k, t);
  }
  const own = { groupId: text(project['groupId']), artifactId: text(project['artifactId']), version: text(project['version']) };
  const lookup = (key: string): string | null => {
    const k = key.replace(/^pom\./, 'project.');
    if (props.has(key)) return props.get(key) as string;
    if (k === 'project.version') return own.version ?? parent?.version ?? null;
    if (k === 'project.groupId') return own.groupId ?? parent?.groupId ?? null;
    if (k === 'project.artifactId') return own.artifactId;
    if (k === 'project.parent.version' || k === 'parent.version') return parent?.version ?? null;
    if (k === 'project.parent.groupId' || k === 'parent.groupId') return parent?.groupId ?? null;
    return null;
  };
  // A few rounds cover properties defined through other properties; a cycle just stays unresolved.
  const resolve = (v: string | null): string | null => {
    let s = v;
    for (let round = 0; s !== null && s.includes('${') && round < 5; round++) s = s.replace(/\$\{([^}]+)\}/g, (m, k: string) => lookup(k) ?? m);
    return s;
  };
  const licenses: string[] = [];
  for (const l of asArray(node(project['licenses'])?.['license'])) {
    const v = resolve(text(node(l)?.['name']) ?? text(node(l)?.['url']));
    if (v) licenses.push(v);
  }
  const developers: string[] = [];
  for (const d of asArray(node(project['developers'])?.['developer'])) {
    const name = resolve(text(node(d)?.['name']) ?? text(node(d)?.['id']));
    const email = resolve(text(node(d)?.['email']));
    if (name) developers.push(email ? `${name} <${email}>` : name);
  }
  return {
    groupId: resolve(own.groupId),
    artifactId: resolve(own.artifactId),
    version: resolve(own.version),
    name: resolve(text(project['name'])),
    description: resolve(text(project['description'])),
    url: resolve(text(project['url'])),
    licenses,
    developers,
    organization: resolve(text(node(project['organization'])?.['name'])),
    parent: parent && { groupId: resolve(parent.groupId), artifactId: resolve(parent.artifactId), version: resolve(parent.version) },
  };
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}
