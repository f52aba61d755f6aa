import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOnnxModelInfo } from '@noise-classifier/models';
import { toWireCombinerCalibration } from '../src/wire/combine-wire';
import { toWireHealth } from '../src/wire/health-wire';
import { toWireBatchJobResult, toWireJobAccepted, toWireJobStatus, toWireTrainingJobResult, toWireTrainingProgress } from '../src/wire/job-wire';
import { onnxElemTypeName, toWireModelInspection } from '../src/wire/model-inspection-wire';

// Key order is part of the wire format: the HTTP answers and the CLI's JSON are compared byte for byte.
describe('job records on the wire', () => {
  const finished = {
    id: 'j1',
    owner: 'token-hash',
    name: 'train',
    state: 'completed',
    progress: 1,
    progressDetails: { epoch: 2, total_epochs: 2 },
    result: { epochs: 2 },
    error: { code: 'E_DATASET', message: 'bad' },
    attemptsStarted: 1,
    createdAt: '2026-12-04T00:00:00.000Z',
    finishedAt: '2026-12-04T00:01:00.000Z',
  };

  it('a job status has the seed keys in order and never its owner', () => {
    const wire = toWireJobStatus(finished);
    expect(Object.keys(wire)).toEqual(['job_id', 'name', 'state', 'progress', 'progress_details', 'result', 'error', 'attempts_started', 'created_at', 'finished_at']);
    expect(wire).toMatchObject({ job_id: 'j1', attempts_started: 1, finished_at: '2026-12-04T00:01:00.000Z' });
    expect(JSON.stringify(wire)).not.toContain('token-hash');
  });

  it('a waiting job leaves out what it does not have yet', () => {
    const waiting = { id: 'j2', name: 'classify-batch', state: 'waiting', progress: 0, attemptsStarted: 0, createdAt: '2026-12-04T00:00:00.000Z' };
    expect(toWireJobStatus(waiting)).toEqual({ job_id: 'j2', name: 'classify-batch', state: 'waiting', progress: 0, attempts_started: 0, created_at: '2026-12-04T00:00:00.000Z' });
    expect(JSON.stringify(toWireJobAccepted({ id: 'j2', statusUrl: '/api/jobs/j2' }))).toBe('{"job_id":"j2","state":"waiting","status_url":"/api/jobs/j2"}');
  });

  it('training progress and results', () => {
    expect(JSON.stringify(toWireTrainingProgress({ epoch: 1, totalEpochs: 3 }, { train_loss: 0.5, train_acc: 0.75 }))).toBe(
      '{"epoch":1,"total_epochs":3,"train_loss":0.5,"train_acc":0.75}',
    );
    expect(toWireTrainingJobResult({ epochs: 3, resumedFromEpoch: 1, modelFile: 'jobs/j1/model.onnx' })).toEqual({ epochs: 3, resumed_from_epoch: 1, model_file: 'jobs/j1/model.onnx' });
    const history = { train_loss: [1], train_acc: [0.5], val_loss: [], val_acc: [] };
    expect(Object.keys(toWireTrainingJobResult({ epochs: 1, resumedFromEpoch: 0, modelFile: 'm.onnx', history, metrics: { engine: 'tfjs' } }))).toEqual([
      'epochs',
      'resumed_from_epoch',
      'model_file',
      'history',
      'metrics',
    ]);
    const results = [{ id: '0', error: { code: 'E_BAD_AUDIO', message: 'empty' } }];
    expect(toWireBatchJobResult({ modelVersion: '1.2.0', results })).toEqual({ model_version: '1.2.0', results });
  });
});

describe('health on the wire', () => {
  it('names the model only once one is loaded', () => {
    expect(toWireHealth({ status: 'loading', uptimeSeconds: 1.5 })).toEqual({ status: 'loading', model_loaded: false, uptime_seconds: 1.5 });
    const ready = toWireHealth({ status: 'ok', model: { modelVersion: '0.3.0' }, uptimeSeconds: 9 });
    expect(JSON.stringify(ready)).toBe('{"status":"ok","model_loaded":true,"model_version":"0.3.0","untrained":false,"uptime_seconds":9}');
  });
});

describe('inspect on the wire', () => {
  const bytes = new Uint8Array(readFileSync(new URL('../models/default-model.onnx', import.meta.url)));
  const info = readOnnxModelInfo(bytes);

  it('the bundled model: snake_case keys, tensor types by name, feature and model config converted', () => {
    const wire = toWireModelInspection({ file: 'default-model.onnx', sizeBytes: bytes.byteLength, info });
    expect(Object.keys(wire)).toEqual(['file', 'size_bytes', 'producer_name', 'producer_version', 'ir_version', 'opset', 'parameter_count', 'inputs', 'outputs', 'metadata']);
    expect(wire.size_bytes).toBe(bytes.byteLength);
    expect(wire.inputs).toEqual([{ name: 'input', elem_type: 'float32', shape: ['batch', 1, 128, 500] }]);
    expect(wire.metadata).toMatchObject({ labels: info.metadata.labels, untrained: false });
    expect(wire.metadata.feature_config).toMatchObject({ sample_rate: info.metadata.featureConfig.sampleRate, n_mels: info.metadata.featureConfig.nMels });
    expect(wire.metadata.model_config).toMatchObject({ architecture: 'efficientat_mn04', input_channels: 1 });
    expect(Object.keys(wire.metadata)).not.toContain('featureConfig');
  });

  it('an element type we do not know is named by its number', () => {
    const odd = { ...info, outputs: [{ name: 'x', shape: [1], elemType: 16 }] };
    expect(onnxElemTypeName(16)).toBeUndefined();
    expect(toWireModelInspection({ file: 'f', sizeBytes: 1, info: odd }).outputs).toEqual([{ name: 'x', elem_type: 'onnx type 16', shape: [1] }]);
  });
});

describe('combine calibration on the wire', () => {
  it('a fitted calibration carries its loss and held-out share; given numbers carry only their description', () => {
    expect(JSON.stringify(toWireCombinerCalibration({ description: 'fold 2', fit: { loss: 0.25, heldOutTop1: 0.9 } }))).toBe(
      '{"calibration":"fold 2","calibration_loss":0.25,"calibration_held_out_top1":0.9}',
    );
    expect(toWireCombinerCalibration({ description: 'given on the command line' })).toEqual({ calibration: 'given on the command line' });
  });
});
