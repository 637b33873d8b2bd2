/** The study service's dependencies, refusals and answers (see service.ts). */
import type { Scenario } from '@arena/shared';
import type { CreateDeps } from '../debates/create.ts';
import type { Sessions } from '../sessions/sessions.ts';
import type { Store } from '../store/store.ts';
import type { ItemRow, Role } from './study-store.ts';

export interface StudyDeps {
  store: Store;
  sessions: Sessions;
  scenarios: ReadonlyMap<string, Scenario>;
  /** The debate-creation service's dependencies (the server's agents; sessions start on creation). */
  creating: CreateDeps;
  /** Null when the agent id can be made, else why not. */
  knownAgent: (id: string) => string | null;
  log: (line: string) => void;
}

/** A refusal the HTTP layer turns into a status code. */
export class StudyError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
    this.name = 'StudyError';
  }
}

/** The panel's ids from the study link's query string. */
export interface PanelEntry {
  pid: string;
  study: string | null;
  session: string | null;
  /** `debater` for the debater link (recruited debaters); judges otherwise. */
  role?: Role;
}

/** What a participant's current item is: one to judge, or a debate to argue in. */
export interface CurrentItem {
  item: ItemRow;
  /** The seat token of the participant's seat (judge, or their debater seat). */
  token: string;
  seat: string;
  total: number;
  /** A judge waiting for recruited debaters: since when (ms). */
  waitingSince: number | null;
}
