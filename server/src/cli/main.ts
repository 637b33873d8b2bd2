import { Command } from 'commander';
import { registerPixels } from './pixels.ts';
import { registerReport } from './report.ts';
import { registerSelfplay } from './selfplay.ts';
import { registerNyu } from './import.ts';
import { registerRejudge } from './rejudge.ts';
import { registerStudy } from './study.ts';
import { registerExportCsv } from './export.ts';
import { registerExportTraining } from './export-training.ts';
import { registerPower } from './power.ts';
import { registerStore } from './store-upgrade.ts';
import { registerAgents } from './agents.ts';
import { registerFork } from './fork.ts';
import { registerTournament } from './tournament.ts';

/** The `arena` command line: batch work beside the server (self-play, import, report, export, …). */
export function buildProgram(): Command {
  const program = new Command('arena')
    .description('Oversight Arena: debate and scalable-oversight experiments from the command line')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  // Subcommands register themselves here, one line each.
  registerNyu(program);
  registerExportCsv(program);
  registerExportTraining(program);
  registerSelfplay(program);
  registerReport(program);
  registerRejudge(program);
  registerPixels(program);
  registerStudy(program);
  registerPower(program);
  registerStore(program);
  registerAgents(program);
  registerFork(program);
  registerTournament(program);
  return program;
}
