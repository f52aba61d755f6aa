import { checkInteger, NoiseClassifierError } from '@noise-classifier/config';

/**
 * N-of-M debounce: the reported label changes only when another label has won at least `n` of the last `m`
 * windows, so one noisy window cannot flip it. Until some label reaches `n`, nothing is reported (null).
 */
export class LabelDebouncer {
  readonly n: number;
  readonly m: number;
  private readonly recent: string[] = [];
  private current: string | null = null;

  constructor(n = 2, m = 3) {
    this.n = checkInteger('debounce.n', n, 1, 10_000);
    this.m = checkInteger('debounce.m', m, 1, 10_000);
    if (this.n > this.m) {
      throw new NoiseClassifierError('E_CONFIG', 'debounce n must not exceed m', {
        field: 'debounce.n',
        expected: `at most m (${this.m})`,
        received: String(this.n),
      });
    }
  }

  /** Adds one window's winner; returns the label to report now. */
  push(label: string): string | null {
    this.recent.push(label);
    if (this.recent.length > this.m) this.recent.shift();
    if (label !== this.current && this.count(label) >= this.n) this.current = label;
    return this.current;
  }

  get label(): string | null {
    return this.current;
  }

  /** Wins of `label` among the last m windows. */
  count(label: string): number {
    let c = 0;
    for (const l of this.recent) if (l === label) c++;
    return c;
  }

  reset(): void {
    this.recent.length = 0;
    this.current = null;
  }
}
