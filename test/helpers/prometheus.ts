/**
 * A strict-enough parser of the Prometheus text exposition format (0.0.4):
 * HELP/TYPE comments, samples with optional labels and timestamp. Throws on
 * any line it cannot read, a sample without a TYPE for its family, a TYPE
 * declared twice, or a duplicate series.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help?: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const SAMPLE_RE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+(-?\\d+))?$`);
const LABEL_RE = new RegExp(`^\\s*(${LABEL})="((?:[^"\\\\]|\\\\[\\\\"n])*)"\\s*(?:,|$)`);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(raw: string): number {
  // Prometheus reads values with Go's strconv.ParseFloat, which ignores case for NaN and Inf; prom-client writes
  // "Nan" (the event-loop lag gauges right after start, before the first sample).
  if (/^\+?inf$/i.test(raw)) return Infinity;
  if (/^-inf$/i.test(raw)) return -Infinity;
  if (/^nan$/i.test(raw)) return NaN;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw new Error(`bad sample value ${raw}`);
  return Number(raw);
}

function parseLabels(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = raw ?? '';
  while (rest.trim()) {
    const m = LABEL_RE.exec(rest);
    if (!m) throw new Error(`bad labels: {${raw}}`);
    if (m[1] in out) throw new Error(`label ${m[1]} repeated`);
    out[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    rest = rest.slice(m[0].length);
  }
  return out;
}

export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seriesSeen = new Set<string>();
  const familyOf = (sample: string): Family | undefined => {
    const direct = families.get(sample);
    if (direct) return direct;
    for (const suffix of ['_bucket', '_sum', '_count']) {
      if (sample.endsWith(suffix)) {
        const f = families.get(sample.slice(0, -suffix.length));
        if (f && (f.type === 'histogram' || f.type === 'summary')) return f;
      }
    }
    return undefined;
  };
  text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`;
    if (!line.trim()) return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      if (!m) return; // other comments are allowed
      const [, kind, name, rest = ''] = m;
      if (!new RegExp(`^${NAME}$`).test(name)) throw new Error(`bad metric name, ${where}`);
      const f = families.get(name) ?? { name, type: 'untyped', samples: [] };
      if (kind === 'TYPE') {
        if (!TYPES.has(rest.trim())) throw new Error(`bad type, ${where}`);
        if (families.has(name) && f.type !== 'untyped') throw new Error(`TYPE declared twice, ${where}`);
        f.type = rest.trim();
      } else f.help = rest;
      families.set(name, f);
      return;
    }
    const m = SAMPLE_RE.exec(line);
    if (!m) throw new Error(`unparseable sample, ${where}`);
    const [, name, labelText, value] = m;
    const f = familyOf(name);
    if (!f) throw new Error(`sample of an undeclared family, ${where}`);
    const labels = parseLabels(labelText);
    const key = `${name}{${Object.entries(labels)
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}}`;
    if (seriesSeen.has(key)) throw new Error(`duplicate series, ${where}`);
    seriesSeen.add(key);
    f.samples.push({ name, labels, value: parseValue(value) });
  });
  return families;
}

export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}
