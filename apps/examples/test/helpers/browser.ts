import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { build } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const webDir = fileURLToPath(new URL('../../web/', import.meta.url));

/** Production build of the demo (vite build), as CI serves it. */
export async function buildDemo(): Promise<string> {
  await build({ configFile: path.join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  return path.join(webDir, 'dist');
}

/** Headless Debian Chromium with a fresh profile; extra flags (e.g. fake microphone) appended. */
export async function launchChromium(extraArgs: string[] = []): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'nc-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', ...extraArgs],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface DemoState {
  ready: boolean;
  coldStartMs?: number;
  modelLoadMs?: number;
  error?: string;
  threads: number;
  crossOriginIsolated: boolean;
  lastResult?: { label: string; confidence: number; top5: [string, number][]; source: 'file' | 'microphone'; inferenceMs: number };
}
