import type { EvaluationReport } from '@noise-classifier/pipelines';
import type { TrainingHistory } from '@noise-classifier/pipelines';

export interface TrainingReportInput {
  readonly title: string;
  readonly history: TrainingHistory;
  readonly evaluation?: EvaluationReport;
  /** Free-form facts shown as a table (command, data, architecture, duration…). */
  readonly facts?: Readonly<Record<string, string | number>>;
}

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A line chart of one or more series over epochs, as inline SVG. */
export function curvesSvg(title: string, series: readonly { name: string; values: readonly number[]; colour: string }[], width = 480, height = 260): string {
  const pad = { l: 48, r: 12, t: 28, b: 32 };
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const lo = Math.min(0, ...finite);
  const hi = Math.max(lo + 1e-9, ...finite);
  const x = (i: number) => pad.l + (n === 1 ? 0 : (i / (n - 1)) * (width - pad.l - pad.r));
  const y = (v: number) => pad.t + (1 - (v - lo) / (hi - lo)) * (height - pad.t - pad.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
  const lines = series.map((s) => {
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : '')).filter(Boolean).join(' ');
    return `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${pts}"/>`;
  });
  const legend = series.map((s, k) => `<text x="${pad.l + 8 + k * 110}" y="${pad.t - 10}" fill="${s.colour}" font-size="12">■ ${escape(s.name)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escape(title)}">`,
    `<text x="${width / 2}" y="14" text-anchor="middle" font-size="13" font-weight="bold">${escape(title)}</text>`,
    ...ticks.map((t) => `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/><text x="${pad.l - 4}" y="${y(t) + 4}" text-anchor="end" font-size="10">${t.toFixed(2)}</text>`),
    `<text x="${width / 2}" y="${height - 6}" text-anchor="middle" font-size="11">epoch (1–${n})</text>`,
    ...lines,
    ...legend,
    '</svg>',
  ].join('\n');
}

/** The confusion matrix as a shaded SVG grid (rows: true label, columns: predicted). */
export function confusionSvg(evaluation: EvaluationReport): string {
  const { labels, confusionMatrix } = evaluation;
  const cell = 26;
  const left = 150;
  const top = 150;
  const size = labels.length * cell;
  const max = Math.max(1, ...confusionMatrix.flat());
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${left + size + 10}" height="${top + size + 10}" role="img" aria-label="confusion matrix">`];
  labels.forEach((label, i) => {
    out.push(`<text x="${left - 6}" y="${top + i * cell + cell * 0.65}" text-anchor="end" font-size="11">${escape(label)}</text>`);
    out.push(`<text transform="translate(${left + i * cell + cell * 0.65},${top - 6}) rotate(-60)" font-size="11">${escape(label)}</text>`);
    confusionMatrix[i]!.forEach((count, j) => {
      const shade = Math.round(255 - (count / max) * 200);
      const colour = i === j ? `rgb(${shade},${255},${shade})` : `rgb(255,${shade},${shade})`;
      out.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${count ? colour : '#fff'}" stroke="#ccc"/>`);
      if (count) out.push(`<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell * 0.65}" text-anchor="middle" font-size="11">${count}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n');
}

/** A self-contained HTML page: facts, loss and accuracy curves, per-class table and confusion matrix. */
export function trainingReportHtml(input: TrainingReportInput): string {
  const { history, evaluation } = input;
  const facts = Object.entries(input.facts ?? {})
    .map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(String(v))}</td></tr>`)
    .join('');
  const perClass = evaluation
    ? `<h2>Validation: accuracy ${(evaluation.accuracy * 100).toFixed(1)}%, macro-F1 ${evaluation.macroF1.toFixed(3)} (${evaluation.sampleCount} clips)</h2>
<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>${evaluation.labels
        .map((l) => {
          const m = evaluation.perClass[l]!;
          return `<tr><td>${escape(l)}</td><td>${m.precision.toFixed(3)}</td><td>${m.recall.toFixed(3)}</td><td>${m.f1.toFixed(3)}</td><td>${m.support}</td></tr>`;
        })
        .join('')}</table>
<h2>Confusion matrix (rows: true class, columns: predicted)</h2>
${confusionSvg(evaluation)}`
    : '<p>No validation data: no evaluation.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(input.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}svg{margin:0.5em 1em 0.5em 0}</style>
</head><body>
<h1>${escape(input.title)}</h1>
<table>${facts}</table>
<div>
${curvesSvg('Loss', [{ name: 'train', values: history.trainLoss, colour: '#1f77b4' }, { name: 'validation', values: history.valLoss, colour: '#d62728' }])}
${curvesSvg('Accuracy', [{ name: 'train', values: history.trainAcc, colour: '#1f77b4' }, { name: 'validation', values: history.valAcc, colour: '#d62728' }])}
</div>
${perClass}
</body></html>
`;
}
