// What `#default-runtime` resolves to under the `node` condition (package.json `imports`): the service's
// platform when none is passed, so `NoiseClassifierService.create()` works in Node with no set-up.
export { nodePipelineRuntime as defaultPipelineRuntime } from './node-pipeline-runtime';
