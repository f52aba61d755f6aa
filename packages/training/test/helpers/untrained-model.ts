// The one copy lives with pipelines' tests; training's tests use the same model.
export * from '../../../pipelines/test/helpers/untrained-model';
