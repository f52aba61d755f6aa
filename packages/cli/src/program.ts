import { Command, CommanderError } from 'commander';
import { isNoiseClassifierError } from '@noise-classifier/config';
import { COMMANDS } from './commands/index';
import type { CliIo } from './commands/command-module';

const VERSION = '0.1.0';

export function createProgram(io: CliIo): Command {
  const program = new Command('noise-classifier')
    .description('Environmental noise classification from raw audio')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const command of COMMANDS) command.register(program, io);
  // Sub-commands inherit the output and exit handling.
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 on success, 1 for a domain error (NoiseClassifierError, printed as
 * `error E_CODE: message` on stderr), 2 for a usage error (reported by commander), 3 for anything unexpected.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await createProgram(io).parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : 2;
    }
    if (isNoiseClassifierError(error)) {
      io.stderr(`noise-classifier: error ${error.code}: ${error.message}\n`);
      return 1;
    }
    io.stderr(`noise-classifier: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 3;
  }
}
