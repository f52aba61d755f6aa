import { describe, expect, it } from 'vitest';
import { buildModel, modelProtoType } from '@noise-classifier/models';
import { buildTrainingGraph } from '../src/graph/training-graph';
import { tfWasm } from './helpers/tf-wasm';

const FEATURES = { nMels: 32, spectrogramHeight: 32, spectrogramWidth: 32, nMfcc: 32 };
const labels = ['a', 'b', 'c'];

describe('buildTrainingGraph', () => {
  it('describes its inputs and outputs: weights by tfjs name, one gradient per trainable weight, masks, batch norms', async () => {
    const tf = await tfWasm();
    const model = await buildModel({ architecture: 'cnn_small', labels, numClasses: 3, dropout: 0.3 }, FEATURES, { tf, seed: 1 });
    const graph = buildTrainingGraph(model);
    expect(graph.inputShape).toEqual([1, 32, 32]);
    expect(graph.numClasses).toBe(3);
    // Every trainable weight is an input with a gradient output; moving statistics are not read in training mode.
    expect(graph.weights.map((w) => w.name)).toEqual(model.trainableWeights.map((w) => w.originalName));
    expect(graph.weights.every((w) => w.gradient === `grad:${w.name}`)).toBe(true);
    expect(graph.masks).toEqual([{ input: 'mask:top_dropout', layer: 'top_dropout', kind: 'dropout', rate: 0.3, sampleShape: [128] }]);
    expect(graph.batchNorms.map((b) => b.layer)).toEqual(['conv1_bn', 'conv2_bn', 'conv3_bn', 'conv4_bn']);
    const info = (modelProtoType().toObject(modelProtoType().decode(graph.bytes)) as { graph: { input: { name: string }[]; output: { name: string }[] } }).graph;
    expect(info.input.map((i) => i.name)).toEqual(['x', 'y', 'w', ...graph.weights.map((w) => w.name), 'mask:top_dropout']);
    expect(info.output.map((o) => o.name).slice(0, 2)).toEqual(['loss', 'logits']);
    expect(info.output.map((o) => o.name)).toContain('bn_var:conv4_bn');

    // Only the head trains (a frozen backbone): the graph outputs the head's gradients alone.
    const head = buildTrainingGraph(model, { trainable: ['logits/kernel', 'logits/bias'] });
    expect(head.weights.filter((w) => w.gradient !== undefined).map((w) => w.name)).toEqual(['logits/kernel', 'logits/bias']);
    expect(head.bytes.byteLength).toBeLessThan(graph.bytes.byteLength);
    model.dispose();
  });

  it('gives EfficientNet stochastic-depth layers one mask value per sample', async () => {
    const tf = await tfWasm();
    const model = await buildModel({ architecture: 'efficientnet_b0', labels, numClasses: 3, dropout: 0, stochasticDepthRate: 0.2 }, FEATURES, { tf, seed: 1 });
    const graph = buildTrainingGraph(model);
    const depth = graph.masks.filter((m) => m.kind === 'stochastic_depth');
    expect(depth.length).toBeGreaterThan(5);
    expect(depth.every((m) => m.sampleShape.join() === '1,1,1' && m.rate > 0 && m.rate < 0.2)).toBe(true);
    model.dispose();
  });

  it('rejects what it cannot differentiate with E_MODEL_FORMAT naming the layer', async () => {
    const tf = await tfWasm();
    const input = tf.input({ shape: [8, 8, 1] });
    const pooled = tf.layers.maxPooling2d({ poolSize: 3, strides: 1, name: 'overlapping_pool' }).apply(input) as never;
    const out = tf.layers.dense({ units: 2 }).apply(tf.layers.globalAveragePooling2d({}).apply(pooled) as never) as never;
    const model = tf.model({ inputs: input, outputs: out });
    expect(() => buildTrainingGraph(model)).toThrowError(expect.objectContaining({ code: 'E_MODEL_FORMAT', message: expect.stringContaining('overlapping_pool') }));
    expect(() => buildTrainingGraph({} as never)).toThrowError(expect.objectContaining({ code: 'E_MODEL_FORMAT' }));
    model.dispose();
  });
});
