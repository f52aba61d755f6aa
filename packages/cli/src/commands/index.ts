import { classifyCommand } from './classify';
import { combineCommand } from './combine';
import type { CommandModule } from './command-module';
import { evaluateCommand } from './evaluate';
import { exportCommand } from './export';
import { featuresCommand } from './features';
import { inspectCommand } from './inspect';
import { serveCommand } from './serve';
import { trainCommand } from './train';
import { workerCommand } from './worker';

/** Every CLI command, in help order. A new command is a module in this folder plus one line here. */
export const COMMANDS: readonly CommandModule[] = [featuresCommand, classifyCommand, trainCommand, evaluateCommand, exportCommand, combineCommand, inspectCommand, serveCommand, workerCommand];
