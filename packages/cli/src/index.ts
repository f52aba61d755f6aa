export { createProgram, runCli } from './program';
export { COMMANDS } from './commands/index';
export { type CommandModule, type CliIo } from './commands/command-module';
export { runFeatures, featuresCommand, FEATURE_KINDS, type FeatureKind, type FeaturesOptions, type FeaturesResult } from './commands/features';
export { encodeNpy, decodeNpy } from './output/npy';
export { renderSpectrogramPng, type SpectrogramImage, type RenderOptions } from './output/spectrogram-png';
export { perceptualColor, colormapTable } from './output/colormap';
