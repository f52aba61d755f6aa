// What `#default-runtime` resolves to under the `node` condition (package.json `imports`): the service's
// platform when none is passed, so `NoiseClassifierService.create()` works in Node with no set-up. It is
// runtime-node's `nodeRuntime` (the one Node runtime) with the bundled model's path filled in.
import type { PlatformRuntime } from '@noise-classifier/models';
import { nodeRuntime } from '@noise-classifier/runtime-node';
import { defaultModelPath } from './default-model-path';

export const defaultPlatformRuntime: PlatformRuntime = { ...nodeRuntime, defaultModelLocation: defaultModelPath };
