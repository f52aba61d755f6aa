import { NoiseClassifierError } from '@noise-classifier/config';
import { parseCsvRecords } from './csv';
import { dirnameOf, joinLocation } from './paths';

export interface ManifestEntry {
  /** Location of the audio file, resolved against the manifest's folder. */
  readonly file: string;
  readonly label: string;
  readonly fold?: number;
  /** Any other columns (source_label, duration_s …), as text. */
  readonly extra: Readonly<Record<string, string>>;
}

/**
 * Parses a dataset manifest: required columns `file` and `label`, optional `fold` (a positive integer);
 * extra columns such as `source_label,duration_s,sample_rate,channels` of ../shared/datasets are kept in `extra`.
 * Relative `file` paths are resolved against `manifestLocation`'s folder.
 */
export function parseManifest(text: string, manifestLocation = ''): ManifestEntry[] {
  const { records } = parseCsvRecords(text, ['file', 'label'], manifestLocation ? `Manifest ${manifestLocation}` : 'Manifest');
  const base = dirnameOf(manifestLocation);
  return records.map((record, r) => {
    const row = r + 2;
    const file = record.file.trim();
    const label = record.label.trim();
    if (file === '' || label === '') {
      throw new NoiseClassifierError('E_DATASET', `Manifest row ${row} has an empty ${file === '' ? 'file' : 'label'}`, {
        field: `row ${row}`,
        expected: 'a file path and a label',
        received: JSON.stringify(record),
      });
    }
    let fold: number | undefined;
    if (record.fold !== undefined && record.fold.trim() !== '') {
      fold = Number(record.fold);
      if (!Number.isInteger(fold) || fold < 0) {
        throw new NoiseClassifierError('E_DATASET', `Manifest row ${row} has an invalid fold`, {
          field: `row ${row}.fold`,
          expected: 'a non-negative integer',
          received: JSON.stringify(record.fold),
        });
      }
    }
    const extra = Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'file' && k !== 'label' && k !== 'fold'));
    return Object.freeze({ file: joinLocation(base, file), label, ...(fold === undefined ? {} : { fold }), extra: Object.freeze(extra) });
  });
}
