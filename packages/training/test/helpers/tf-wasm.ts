// The one copy lives with models' tests.
export * from '../../../models/test/tf-wasm';
