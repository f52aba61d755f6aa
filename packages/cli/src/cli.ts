import { runCli } from './program';

/** The `noise-classifier` executable's entry (bin/noise-classifier.js imports the built copy). */
void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});
