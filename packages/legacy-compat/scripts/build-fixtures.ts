/** Writes model.onnx and clip.wav into the directory given as the first argument (used by the tests' global setup). */
import { writeFixtures } from '../test/helpers/build-fixtures';

const dir = process.argv[2];
if (!dir) throw new Error('usage: build-fixtures.ts <directory>');
await writeFixtures(dir);
