/**
 * A small Prometheus text-format (0.0.4) registry: counters, gauges and histograms with labels.
 * Hand-written instead of prom-client because the server needs only these three types and no
 * default process collectors; it keeps the package free of another runtime dependency.
 */
type Labels = Record<string, string>;

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}
  abstract lines(): string[];
}

function labelKey(labels: Labels): string {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function fmt(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

export class Counter extends Metric {
  private readonly values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  lines(): string[] {
    return [...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${fmt(v)}`);
  }
}

export class Gauge extends Metric {
  private readonly values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }
  set(value: number, labels: Labels = {}): void {
    this.values.set(labelKey(labels), value);
  }
  lines(): string[] {
    return [...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${fmt(v)}`);
  }
}

export class Histogram extends Metric {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    readonly buckets: readonly number[],
  ) {
    super(name, help, 'histogram');
  }
  observe(value: number, labels: Labels = {}): void {
    const k = labelKey(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    // counts has one entry per bucket.
    this.buckets.forEach((bound, i) => {
      if (value <= bound) s.counts[i]!++;
    });
    s.sum += value;
    s.count++;
  }
  lines(): string[] {
    const out: string[] = [];
    for (const [k, s] of this.series) {
      const sep = k ? `${k},` : '';
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket{${sep}le="${fmt(b)}"} ${s.counts[i]}`));
      out.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      out.push(`${this.name}_sum${k ? `{${k}}` : ''} ${fmt(s.sum)}`);
      out.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  /** The exposition text served at GET /metrics. */
  render(): string {
    const out: string[] = [];
    for (const m of this.metrics) {
      out.push(`# HELP ${m.name} ${m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${m.name} ${m.type}`, ...m.lines());
    }
    return `${out.join('\n')}\n`;
  }

  private add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
}

export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The server's metric set. */
export function createServerMetrics() {
  const registry = new MetricsRegistry();
  return {
    registry,
    requests: registry.counter('noise_http_requests_total', 'HTTP requests by method, route and status code.'),
    requestSeconds: registry.histogram('noise_http_request_duration_seconds', 'HTTP request latency by method and route.', LATENCY_BUCKETS_SECONDS),
    inferenceSeconds: registry.histogram('noise_model_inference_duration_seconds', 'Time of one classifyBatch call (decode excluded).', LATENCY_BUCKETS_SECONDS),
    batchSize: registry.histogram('noise_model_batch_size', 'Clips per classifyBatch call made by the micro-batcher.', [1, 2, 4, 8, 16, 32, 64]),
    modelLoaded: registry.gauge('noise_model_loaded', '1 when the model is loaded and ready.'),
    jobs: registry.counter('noise_jobs_submitted_total', 'Background jobs submitted, by kind.'),
  };
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;
