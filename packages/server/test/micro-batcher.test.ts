import { describe, expect, it } from 'vitest';
import { MicroBatcher } from '../src/http/micro-batcher';

// The batcher is generic over its batch function; these tests use arithmetic so the grouping itself is visible.
const doubler = (calls: number[][]) => async (items: number[]) => {
  calls.push([...items]);
  await new Promise((r) => setTimeout(r, 5));
  return items.map((x) => x * 2);
};

describe('MicroBatcher', () => {
  it('sends items submitted within the window as one batch and keeps results in order', async () => {
    const calls: number[][] = [];
    const b = new MicroBatcher(doubler(calls), { windowMs: 5, maxBatch: 16 });
    await expect(Promise.all([1, 2, 3].map((x) => b.submit(x)))).resolves.toEqual([2, 4, 6]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('waits for announced requests that are still decoding, then sends at once', async () => {
    const calls: number[][] = [];
    const b = new MicroBatcher(doubler(calls), { windowMs: 1, maxBatch: 16, maxWaitMs: 200 });
    const tickets = [b.expect(), b.expect(), b.expect()];
    const first = b.submit(1, tickets[0]);
    await new Promise((r) => setTimeout(r, 30)); // far beyond the 1 ms window
    const rest = [b.submit(2, tickets[1]), b.submit(3, tickets[2])];
    await Promise.all([first, ...rest]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('does not wait past maxWaitMs for an announced request that never comes', async () => {
    const calls: number[][] = [];
    const b = new MicroBatcher(doubler(calls), { windowMs: 1, maxBatch: 16, maxWaitMs: 20 });
    b.expect(); // never submitted, never released
    const t = performance.now();
    await b.submit(7, b.expect());
    expect(performance.now() - t).toBeLessThan(200);
    expect(calls).toEqual([[7]]);
  });

  it('caps batches at maxBatch and queues the rest behind the running batch', async () => {
    const calls: number[][] = [];
    const b = new MicroBatcher(doubler(calls), { windowMs: 2, maxBatch: 4 });
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => b.submit(i)));
    expect(out).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(calls.map((c) => c.length)).toEqual([4, 4, 2]);
  });

  it('isolates a failing item: the batch is retried one by one', async () => {
    const b = new MicroBatcher<number, number>(
      async (items) => {
        if (items.includes(13)) throw new Error('bad item');
        return items.map((x) => x + 1);
      },
      { windowMs: 2, maxBatch: 8 },
    );
    const results = await Promise.allSettled([b.submit(1), b.submit(13), b.submit(2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseFulfilledResult<number>).value).toBe(2);
  });
});
