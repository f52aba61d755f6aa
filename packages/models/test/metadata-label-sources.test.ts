import { describe, expect, it } from 'vitest';
import { createModelMetadata, metadataFromProps, metadataToProps } from '../src/index';

const features = { spectrogramHeight: 32, spectrogramWidth: 32 };
const labels = ['dog_barking', 'vacuum_cleaner', 'brown_noise'];

describe('model metadata label_sources', () => {
  it('round-trips through the file metadata as label_sources', () => {
    const labelSources = { dog_barking: 'trained', vacuum_cleaner: 'mapped', brown_noise: 'none' } as const;
    const metadata = createModelMetadata({ featureConfig: features, modelConfig: { architecture: 'cnn_small', labels }, labelSources });
    const props = metadataToProps(metadata);
    expect(JSON.parse(props.label_sources!)).toEqual(labelSources);
    expect(metadataFromProps(props).labelSources).toEqual(labelSources);
  });

  it('is absent for models that predate it', () => {
    const metadata = createModelMetadata({ featureConfig: features, modelConfig: { architecture: 'cnn_small', labels } });
    expect(metadata.labelSources).toBeUndefined();
    expect(metadataToProps(metadata).label_sources).toBeUndefined();
    expect(metadataFromProps(metadataToProps(metadata)).labelSources).toBeUndefined();
  });

  it('refuses a missing label, an unknown label or an unknown source, naming the entry', () => {
    const make = (labelSources: Record<string, string>) =>
      createModelMetadata({ featureConfig: features, modelConfig: { architecture: 'cnn_small', labels }, labelSources: labelSources as never });
    expect(() => make({ dog_barking: 'trained', vacuum_cleaner: 'mapped' })).toThrow(expect.objectContaining({ code: 'E_MODEL_FORMAT', field: 'labelSources.brown_noise' }));
    expect(() => make({ dog_barking: 'trained', vacuum_cleaner: 'mapped', brown_noise: 'none', rain: 'trained' })).toThrow(
      expect.objectContaining({ field: 'labelSources.rain' }),
    );
    expect(() => make({ dog_barking: 'learned', vacuum_cleaner: 'mapped', brown_noise: 'none' })).toThrow(expect.objectContaining({ field: 'labelSources.dog_barking' }));
    const props = metadataToProps(createModelMetadata({ featureConfig: features, modelConfig: { architecture: 'cnn_small', labels } }));
    expect(() => metadataFromProps({ ...props, label_sources: '["trained"]' })).toThrow(expect.objectContaining({ code: 'E_MODEL_FORMAT', field: 'label_sources' }));
  });
});
