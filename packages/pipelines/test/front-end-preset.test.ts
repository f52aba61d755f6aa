import { readFileSync } from 'node:fs';
import { EFFICIENTAT_MN04_FEATURE_CONFIG } from '@noise-classifier/config';
import { createModelMetadata, metadataFromProps, metadataToProps } from '@noise-classifier/models';
import { describe, expect, it } from 'vitest';
import { createFrontEnd } from '../src/core/create-front-end';
import { SHARED_CLIPS, readSharedClip, sharedPretrainedPath } from '../../../tooling/shared-data';

/*
 * A model carrying the EfficientAT mn04 front end in its metadata gets that front end from createFrontEnd, with no
 * other setting: decode → 32 kHz → pre-emphasis … → (ln(mel + 1e-5) + 4.5) / 5 → 500-frame windows.
 */
describe('EfficientAT mn04 front end from model metadata', () => {
  it('round-trips through metadata_props and reproduces the reference model input from the real clip', async () => {
    const metadata = createModelMetadata({ featureConfig: EFFICIENTAT_MN04_FEATURE_CONFIG, modelConfig: { labels: ['dog_barking', 'rain_heavy'] } });
    const parsed = metadataFromProps(metadataToProps(metadata));
    expect(parsed.featureConfig).toEqual(EFFICIENTAT_MN04_FEATURE_CONFIG);

    const frontEnd = await createFrontEnd(parsed.featureConfig);
    const samples = await frontEnd.prepare(new Uint8Array(readSharedClip(SHARED_CLIPS.dogBark)));
    expect(samples.length).toBe(160_032); // 5.001 s at 32 kHz, as the reference resampling gives
    const spec = frontEnd.logMel(samples);
    expect([spec.bins, spec.frames]).toEqual([128, 501]);

    // Our Vorbis decoder and resampler differ from the reference's by ~1e-5 per sample (packages/features README);
    // in the model input that stays below 0.05 anywhere and 1e-3 on average.
    const bytes = readFileSync(sharedPretrainedPath('efficientat-mn04-as/reference/esc10-1-100032-A.mel.f32'));
    const reference = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(reference.length).toBe(spec.data.length);
    let worst = 0;
    let sum = 0;
    for (let i = 0; i < reference.length; i++) {
      const d = Math.abs(spec.data[i]! - reference[i]!);
      worst = Math.max(worst, d);
      sum += d;
    }
    expect(worst).toBeLessThan(0.05);
    expect(sum / reference.length).toBeLessThan(1e-3);

    const batch = frontEnd.windows(spec, 250);
    expect([batch.channels, batch.height, batch.width]).toEqual([1, 128, 500]);
    expect(batch.startFrames).toEqual([0, 1]); // 501 frames: one full window and one aligned to the end
  });
});
