import path from 'node:path';
import { NoiseClassifierService } from '@noise-classifier/pipelines';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../web/serve-static';
import { defaultModelFile } from '../web/vite.config';
import { buildDemo, launchChromium, type DemoState } from './helpers/browser';
import { useExampleModel } from './helpers/model';
import { SHARED_CLIPS, sharedDatasetPath } from '../../../tooling/shared-data';


describe('browser demo in headless Chromium (production build, cross-origin isolated)', () => {
  let server: StaticServer;
  let node: NoiseClassifierService;

  beforeAll(async () => {
    await useExampleModel();
    const dist = await buildDemo();
    server = await startStaticServer({ dirs: [dist] });
    node = await NoiseClassifierService.create({ runtime: nodeRuntime, modelPath: defaultModelFile() });
  }, 240_000);
  afterAll(async () => {
    await server?.close();
    await node?.dispose();
  });

  it('classifies a chosen file with onnxruntime-web and shows the label Node computes for the same clip', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      await page.waitForSelector('#status[data-state="ready"]', { timeout: 60_000 });
      const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
      expect(isolated).toBe(true);
      for (const clip of [sharedDatasetPath(SHARED_CLIPS.dogBark), sharedDatasetPath(SHARED_CLIPS.drilling)]) {
        await page.setInputFiles('#file', clip);
        await page.waitForFunction((name) => document.getElementById('status')?.textContent?.startsWith(`${name}: done`), path.basename(clip), { timeout: 60_000 });
        const state = await page.evaluate(() => (window as unknown as { __demo: DemoState }).__demo);
        const expected = await node.classify(new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(clip))));
        expect(state.lastResult?.source).toBe('file');
        expect(await page.getAttribute('#label', 'data-label')).toBe(expected.predictedClass);
        expect(state.lastResult?.label).toBe(expected.predictedClass);
        expect(state.lastResult?.confidence).toBeCloseTo(expected.confidence, 3);
        const shown = await page.$$eval('#top5 li', (items) => items.map((li) => (li as HTMLElement).dataset.label));
        expect(shown).toEqual(expected.topK.slice(0, 5).map(([l]) => l));
      }
      const state = await page.evaluate(() => (window as unknown as { __demo: DemoState }).__demo);
      console.log(`browser: threads=${state.threads}, model load ${state.modelLoadMs?.toFixed(0)} ms, cold start (navigation → first result) ${state.coldStartMs?.toFixed(0)} ms`);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('microphone path (Chromium fake capture of a real clip) shows the label Node computes for that clip', async () => {
    const clip = sharedDatasetPath(SHARED_CLIPS.drilling);
    const browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${clip}`]);
    try {
      const page = await browser.context.newPage();
      await page.goto(server.url);
      await page.waitForSelector('#status[data-state="ready"]', { timeout: 60_000 });
      await page.click('#mic');
      await page.waitForSelector('#status[data-state="listening"]', { timeout: 20_000 });
      // Let a full history (4 s) of the looping clip arrive, then read the live result.
      await page.waitForTimeout(5_000);
      await page.waitForFunction(() => (window as unknown as { __demo: DemoState }).__demo.lastResult?.source === 'microphone', undefined, { timeout: 20_000 });
      const state = await page.evaluate(() => (window as unknown as { __demo: DemoState }).__demo);
      const expected = await node.classify(new Uint8Array((await import('node:fs')).readFileSync(clip)));
      expect(state.lastResult?.label).toBe(expected.predictedClass);
      expect(await page.getAttribute('#label', 'data-source')).toBe('microphone');
      expect(await page.$$eval('#top5 li', (items) => items.length)).toBe(5);
      await page.click('#mic');
    } finally {
      await browser.close();
    }
  });
});
