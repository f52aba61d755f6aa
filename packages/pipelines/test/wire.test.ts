import { describe, expect, it } from 'vitest';
import { computeClassificationMetrics } from '../src/metrics/classification-metrics';
import type { ClassificationResult } from '../src/core/classification-result';
import { fromWireClassification, toWireClassification, toWireServiceResponse } from '../src/wire/classification-wire';
import { fromWireEvaluation, toWireEvaluation } from '../src/wire/evaluation-wire';
import { fromWireHistory, toWireHistory } from '../src/wire/history-wire';

const result: ClassificationResult = {
  predictedClass: 'dog_barking',
  confidence: 0.7,
  probabilities: { dog_barking: 0.7, rain_heavy: 0.2, silence: 0.1 },
  topK: [
    ['dog_barking', 0.7],
    ['rain_heavy', 0.2],
  ],
  durationSeconds: 5,
  windows: [{ startSeconds: 0, endSeconds: 1.36, label: 'dog_barking', confidence: 0.9 }],
  metadata: { untrained: true, modelVersion: '0.1.0', architecture: 'cnn_small', backend: 'onnxruntime-node', windowCount: 1, aggregation: 'mean' },
};

describe('wire format', () => {
  it('uses the seed keys and round-trips a classification', () => {
    const wire = toWireClassification(result);
    expect(Object.keys(wire)).toEqual(['predicted_class', 'confidence', 'probabilities', 'top_k', 'duration_seconds', 'windows', 'metadata']);
    expect(wire.windows?.[0]).toEqual({ start_seconds: 0, end_seconds: 1.36, label: 'dog_barking', confidence: 0.9 });
    expect(wire.metadata?.model_version).toBe('0.1.0');
    expect(fromWireClassification(JSON.parse(JSON.stringify(wire)))).toEqual(result);
  });

  it('rejects malformed wire objects naming the field', () => {
    const wire = toWireClassification(result) as unknown as Record<string, unknown>;
    expect(() => fromWireClassification({ ...wire, top_k: [['a']] })).toThrow(/top_k\[0\]/);
    expect(() => fromWireClassification({ ...wire, confidence: 'high' })).toThrow(/confidence/);
    expect(() => fromWireClassification(null)).toThrow(/classification/);
  });

  it('converts training history both ways', () => {
    const h = { trainLoss: [1, 0.5], trainAcc: [0.4, 0.8], valLoss: [1.1, 0.7], valAcc: [0.3, 0.75] };
    const wire = toWireHistory(h);
    expect(wire).toEqual({ train_loss: [1, 0.5], train_acc: [0.4, 0.8], val_loss: [1.1, 0.7], val_acc: [0.3, 0.75] });
    expect(fromWireHistory(wire)).toEqual(h);
    expect(() => fromWireHistory({ ...wire, val_acc: [0.1, NaN] })).toThrow(/val_acc\[1\]/);
  });

  it('converts an evaluation report both ways', () => {
    const report = computeClassificationMetrics(['a', 'b', 'b'], ['a', 'b', 'a']);
    const wire = toWireEvaluation(report);
    expect(wire.macro_f1).toBeCloseTo(report.macroF1, 12);
    expect(wire.per_class.b!.recall).toBe(0.5);
    expect(wire.confusion_matrix).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(fromWireEvaluation(JSON.parse(JSON.stringify(wire)))).toEqual(report);
  });
});

describe('toWireServiceResponse (the HTTP answer)', () => {
  it('carries the seed MLService keys beside the v2 ones and cuts top_k to the request', () => {
    const wire = { predicted_class: 'rain', confidence: 0.6, probabilities: { dog: 0.1, rain: 0.6, wind: 0.3 }, top_k: [] as [string, number][] };
    const response = toWireServiceResponse(wire, { modelVersion: 'm1', topK: 2, durationSeconds: 1.5 });
    expect(response).toEqual({
      noise_type: 'rain', confidence: 0.6, all_predictions: { dog: 0.1, rain: 0.6, wind: 0.3 }, model_version: 'm1',
      predicted_class: 'rain', top_k: [['rain', 0.6], ['wind', 0.3]], duration_seconds: 1.5,
    });
    expect(toWireServiceResponse({ ...wire, duration_seconds: 4 }, { modelVersion: 'm1', topK: 1 }).duration_seconds).toBe(4);
  });
});
