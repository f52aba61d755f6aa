import type { EpochSummary, TrainingProgress } from '@noise-classifier/training';

/** A progress bar on stderr: epoch, step, loss, accuracy, ETA (redrawn in place on a terminal, at most 4×/s). */
export function progressPrinter(write: (text: string) => void, tty: boolean, quiet: boolean): (p: TrainingProgress) => void {
  let last = 0;
  return (p) => {
    if (quiet) return;
    const now = Date.now();
    if (p.phase === 'train' && p.step !== p.steps && now - last < 250) return;
    last = now;
    const width = 24;
    const done = Math.round((p.step / p.steps) * width);
    const eta = p.etaSeconds >= 60 ? `${Math.floor(p.etaSeconds / 60)}m${String(Math.round(p.etaSeconds % 60)).padStart(2, '0')}s` : `${Math.round(p.etaSeconds)}s`;
    const line = `epoch ${p.epoch}/${p.epochs} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} acc ${(p.accuracy * 100).toFixed(1)}% ETA ${eta}${p.phase === 'validate' ? ' validating…' : ''}`;
    write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  };
}

/** One line per finished epoch: losses, accuracies, seconds, `*` when validation improved. */
export function epochLine(e: EpochSummary, tty: boolean): string {
  const validation = Number.isFinite(e.valLoss) ? `, val loss ${e.valLoss.toFixed(4)} acc ${(e.valAcc * 100).toFixed(1)}%` : '';
  return `${tty ? '\r\x1b[K' : ''}epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${(e.trainAcc * 100).toFixed(1)}%${validation} (${e.seconds.toFixed(0)} s)${e.improved ? ' *' : ''}\n`;
}
