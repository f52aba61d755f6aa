/** A one-line progress bar for stderr: redrawn in place on a terminal, a line every 10% otherwise. */
export function createProgressBar(write: (text: string) => void, total: number, tty: boolean, label = ''): (done: number) => void {
  let lastDecile = -1;
  const started = Date.now();
  return (done: number) => {
    const fraction = total === 0 ? 1 : done / total;
    const elapsed = (Date.now() - started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const line = `${label}[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${(fraction * 100).toFixed(0)}% ETA ${eta.toFixed(0)}s`;
    if (tty) {
      write(`\r${line}${done === total ? '\n' : ''}`);
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        write(`${line}\n`);
      }
    }
  };
}
