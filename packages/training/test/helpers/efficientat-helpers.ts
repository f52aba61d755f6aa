// The one copy lives with models' tests (reference tensors and weights read from ../shared/pretrained).
export * from '../../../models/test/efficientat-helpers';
