/** A `/metrics` scrape read back: the value of one series, by name and labels. */
export interface Scrape {
  /** The series' value; undefined when the scrape has no such series. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  readonly text: string;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Scrape {
  const samples: { name: string; labels: Map<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const labels = new Map([...(match[2] ?? "").matchAll(LABEL)].map((m) => [m[1], m[2]]));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return {
    text,
    value: (name, labels = {}) =>
      samples.find((s) =>
        s.name === name && Object.entries(labels).every(([k, v]) => s.labels.get(k) === v)
      )?.value,
  };
}

/** `GET {base}/metrics`, parsed. */
export async function scrape(base: string): Promise<Scrape> {
  const res = await fetch(`${base}/metrics`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${base}/metrics: ${res.status} ${text}`);
  return parseMetrics(text);
}
