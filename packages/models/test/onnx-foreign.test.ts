import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isNoiseClassifierError } from '@noise-classifier/config';
import { readOnnxModelInfo } from '../src/index';

/** Exported by PyTorch (test/fixtures/make-foreign-onnx.py): an ONNX file from another tool, no metadata of ours. */
const foreign = new Uint8Array(readFileSync(new URL('./fixtures/foreign-pytorch-tiny.onnx', import.meta.url)));
const LABELS = ['a', 'b', 'c', 'd', 'e'];

describe('ONNX files from other tools', () => {
  it('are refused without labels and a feature config', () => {
    try {
      readOnnxModelInfo(foreign);
      expect.unreachable();
    } catch (e) {
      expect(isNoiseClassifierError(e, 'E_MODEL_FORMAT')).toBe(true);
      expect((e as Error).message).toMatch(/pass labels and featureConfig/);
    }
  });

  it('are read with caller-supplied labels and feature config', () => {
    const info = readOnnxModelInfo(foreign, { labels: LABELS, featureConfig: { spectrogramHeight: 8, spectrogramWidth: 8 } });
    expect(info.producerName).toBe('pytorch');
    expect(info.opset).toBe(17);
    expect(info.inputs).toEqual([{ name: 'spec', elemType: 1, shape: ['n', 3, 8, 8] }]);
    expect(info.outputs).toEqual([{ name: 'scores', elemType: 1, shape: ['n', 5] }]);
    expect(info.metadata.labels).toEqual(LABELS);
    expect(info.metadata.modelConfig.inputChannels).toBe(3);
    expect(info.metadata.modelConfig.architecture).toBe('external');
    // conv 3→4 (3×3, BN folded into its bias) + linear 4→5
    expect(info.parameterCount).toBe(3 * 4 * 9 + 4 + 4 * 5 + 5);
  });

  it('still get label-count and input-size checks', () => {
    const fail = (overrides: Parameters<typeof readOnnxModelInfo>[1]) => {
      try {
        readOnnxModelInfo(foreign, overrides);
      } catch (e) {
        return e as { code?: string; message: string };
      }
      return undefined;
    };
    expect(fail({ labels: LABELS.slice(0, 4), featureConfig: { spectrogramHeight: 8, spectrogramWidth: 8 } })?.code).toBe('E_MODEL_MISMATCH');
    const size = fail({ labels: LABELS, featureConfig: {} });
    expect(size?.code).toBe('E_MODEL_MISMATCH');
    expect(size?.message).toMatch(/\[3, 8, 8\].*\[3, 128, 128\]/);
  });
});
