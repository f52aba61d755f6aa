import type { Command } from 'commander';

/** Where a command writes; the CLI passes process streams, tests pass collectors. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** One CLI command: a module in src/commands/ that adds itself to the program. Listed in src/commands/index.ts. */
export interface CommandModule {
  readonly name: string;
  register(program: Command, io: CliIo): void;
}
