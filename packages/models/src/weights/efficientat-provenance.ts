/**
 * Where the EfficientAT mn04 AudioSet weights come from and under which terms: written into exported model files
 * (`exportOnnx(…, { extraMetadata })`) and model cards. MIT asks that the copyright line travel with the weights.
 */
export const EFFICIENTAT_MN04_WEIGHTS_PROVENANCE: Readonly<Record<string, string>> = Object.freeze({
  weights_source: "EfficientAT mn04_as (AudioSet mAP 0.432), Florian Schmid's AudioSet-pretrained MobileNet, https://github.com/fschmid56/EfficientAT",
  weights_license: 'MIT',
  weights_copyright: 'Copyright (c) 2022 Florian Schmid',
});

/** The 527 AudioSet class names of the published classifier (Google's AudioSet ontology). */
export const AUDIOSET_LABELS_PROVENANCE: Readonly<Record<string, string>> = Object.freeze({
  labels_source: 'AudioSet ontology, 527 classes (Google), https://research.google.com/audioset/',
  labels_license: 'CC BY 4.0',
});
