import type { CommandModule } from './command-module';
import { featuresCommand } from './features';
import { serveCommand } from './serve';
import { workerCommand } from './worker';

/** Every CLI command, in help order. A new command is a module in this folder plus one line here. */
export const COMMANDS: readonly CommandModule[] = [featuresCommand, serveCommand, workerCommand];
