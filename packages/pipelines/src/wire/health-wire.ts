/** GET /health in snake_case: whether a model is loaded, which one, and how long the server has run. */
export interface WireHealth {
  status: string;
  model_loaded: boolean;
  model_version?: string;
  untrained?: boolean;
  uptime_seconds: number;
}

export function toWireHealth(health: {
  readonly status: string;
  /** The loaded model; absent while it loads or after it failed. */
  readonly model?: { readonly modelVersion: string; readonly untrained?: boolean };
  readonly uptimeSeconds: number;
}): WireHealth {
  const { model } = health;
  return {
    status: health.status,
    model_loaded: model !== undefined,
    ...(model ? { model_version: model.modelVersion, untrained: model.untrained === true } : {}),
    uptime_seconds: health.uptimeSeconds,
  };
}
