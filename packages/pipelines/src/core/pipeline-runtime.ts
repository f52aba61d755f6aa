import type { PlatformRuntime } from '@noise-classifier/models';

/**
 * A platform runtime (`nodeRuntime` from @noise-classifier/runtime-node, `webRuntime` from runtime-web) plus
 * optional pipeline extras. Everything platform-specific reaches the core through this object.
 */
export interface PipelineRuntime extends PlatformRuntime {
  /** Where the bundled default model lives on this platform (overrides the package-relative default). */
  readonly defaultModelLocation?: string;
}
