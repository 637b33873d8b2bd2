import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { agentCatalog, createAgent } from '../agent-catalog.ts';
import { paidCapProblem, paidConditions } from '../studies/paid-agents.ts';
import { defaultAgentsConfig, loadAgentsConfig } from '../agents/registry.ts';
import { loadScenarioPacks } from '../scenarios/load.ts';
import { EXAMPLE_SPEC } from '../studies/example.ts';
import { preregBundle } from '../studies/prereg.ts';
import { practiceScenarios, resolveStudy, type ResolvedStudy } from '../studies/resolve.ts';
import { simulateStudy } from './study-simulate.ts';
import { exposureDecision, signEntry, SIGNED_ENTRY_PARAMS, type EntryParams } from '../access/study.ts';
import { readSpecFile, SpecError, specHash, type StudySpec } from '../studies/spec.ts';
import { positiveInt } from './options.ts';
import { fetchServer, serverAddressOptions, serverOf } from './server.ts';

const rate = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
};

/** Reads a spec file and checks it against the scenarios and agents at hand; errors name the file and the field. */
async function checkedSpec(file: string, agentsFile?: string): Promise<{ spec: StudySpec; slots: number; cells: number; warnings: string[]; design: ResolvedStudy }> {
  const spec = await readSpecFile(file);
  const { packs, scenarios } = await loadScenarioPacks(process.env.ARENA_SCENARIOS_DIR ?? 'scenarios');
  const config = agentsFile ? loadAgentsConfig(agentsFile) : defaultAgentsConfig();
  const design = resolveStudy(
    spec,
    new Map(scenarios.map((s) => [s.id, s])),
    (id) => {
      try {
        createAgent(id, { seed: 'probe', ...(config ? { config } : {}) });
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    },
    file,
    // Stored debates to re-judge are chosen from the server's store at launch.
    spec.debates ? null : [],
  );
  // Public finished debates on the items are the server's to check, at launch.
  const privatePacks = new Set(packs.filter((p) => p.private).map((p) => p.id));
  const itemIds = [...new Set([...design.scenarios.keys(), ...spec.practice.map((p) => p.scenario)])];
  const practice = practiceScenarios(design);
  const inPublicPacks = itemIds.flatMap((id) => {
    const pack = design.scenarios.get(id)?.pack ?? scenarios.find((x) => x.id === id)?.pack;
    return pack && !privatePacks.has(pack) ? [{ scenarioId: id, pack, ...(practice.has(id) ? { practice: true } : {}) }] : [];
  });
  const { refused, warnings } = exposureDecision({ inPublicPacks, publicDebates: [], allowed: spec.publicItems === 'allow' });
  if (refused) throw new SpecError(`${file}: ${refused}`);
  const catalog = agentCatalog(config ? { config } : {});
  const paidProblem = paidCapProblem(design, paidConditions(design, (id) => catalog.paid(id)));
  if (paidProblem) throw new SpecError(`${file}: ${paidProblem}`);
  return { spec, cells: design.cells.length, slots: design.cells.length * spec.judgementsPerCell, warnings, design };
}

/** The participant_id column of a bonuses.csv (as the study's export writes it: a quoted field when it needs one). */
export function panelIdsOf(csv: string): string[] {
  const [head, ...lines] = csv.split(/\r?\n/).filter((l) => l.trim());
  const column = (head ?? '').split(',').indexOf('participant_id');
  if (column < 0) return [];
  const fields = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => (m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replaceAll('""', '"') : m[1]!));
  return lines.map((l) => fields(l)[column] ?? '').filter(Boolean);
}

/** The server (--server or --url) and researcher token a steering command talks to. */
function serverOptions(command: Command): Command {
  return serverAddressOptions(command).option('--token <token>', 'the researcher token (default $ARENA_RESEARCHER_TOKEN or ./data/researcher-token)');
}

async function researcherToken(opts: { token?: string }): Promise<string> {
  const token = opts.token ?? process.env.ARENA_RESEARCHER_TOKEN;
  if (token) return token;
  const file = join(process.env.ARENA_DATA_DIR ?? './data', 'researcher-token');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  throw new Error('no researcher token: pass --token or set ARENA_RESEARCHER_TOKEN');
}

type ServerOpts = { server?: string; url?: string; token?: string };

async function post(opts: ServerOpts, path: string, body: unknown): Promise<unknown> {
  const res = await fetchServer(serverOf(opts), `/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await researcherToken(opts)}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(json.error ?? `${res.status} ${res.statusText}`);
  return json;
}

export function registerStudy(program: Command): void {
  const study = program.command('study').description('studies with recruited judges: write, check, launch, steer and dry-run a study spec');

  study
    .command('init')
    .description('write a commented example spec')
    .requiredOption('--out <file>', 'where to write it')
    .option('--force', 'overwrite an existing file')
    .action(async (opts: { out: string; force?: boolean }) => {
      if (existsSync(opts.out) && !opts.force) throw new Error(`${opts.out} exists; pass --force to overwrite it`);
      await writeFile(opts.out, EXAMPLE_SPEC);
      console.log(`wrote ${opts.out}: edit it, then run arena study validate ${opts.out}`);
    });

  study
    .command('validate <file>')
    .description('check a spec (fields, scenarios, agents, design); errors name the file and the field')
    .option('--agents <file>', 'agents configuration (default $ARENA_AGENTS or ./agents.json)')
    .option('--json', 'print a JSON summary')
    .action(async (file: string, opts: { agents?: string; json?: boolean }) => {
      const { spec, cells, slots, warnings } = await checkedSpec(file, opts.agents);
      const summary = { id: spec.id, specHash: specHash(spec), conditions: spec.conditions.map((c) => c.name), cells, slots, participantsNeeded: Math.ceil(slots / spec.itemsPerParticipant) };
      if (opts.json) console.log(JSON.stringify(summary, null, 2));
      else {
        console.log(`${file}: valid. Study ${spec.id}, conditions ${summary.conditions.join(', ')}: ${cells} cells × ${spec.judgementsPerCell} = ${slots} judgements,`);
        console.log(`${spec.itemsPerParticipant} per participant: at least ${summary.participantsNeeded} participants who complete. Spec hash ${summary.specHash.slice(0, 16)}…`);
        if (spec.debates) console.log(`plus ${spec.judgementsPerCell} re-judgings of each stored debate the "debates" selection matches in the server's store when launched`);
      }
      for (const w of warnings) console.error(w);
    });

  serverOptions(study.command('launch <file>'))
    .description('launch a study on a running server (the spec is frozen from then on)')
    .action(async (file: string, opts: ServerOpts) => {
      const spec = await readSpecFile(file);
      const launched = (await post(opts, '/studies', { spec })) as { id: string; specHash: string; slots: number; link: string; warnings?: string[] };
      for (const w of launched.warnings ?? []) console.error(w);
      console.log(`launched ${launched.id} (${launched.slots} slots, spec hash ${launched.specHash.slice(0, 16)}…)`);
      const server = serverOf(opts);
      console.log(`study link for your panel: ${server}${launched.link}`);
      if (spec.entry?.signature) console.log(`this study takes signed links only (${spec.entry.signature.secretEnv}): see arena study sign-link, and the README's "Signed study links"`);
      // The token rides in the fragment, which browsers never send to the server; the dashboard keeps it in this browser.
      console.log(`dashboard (opens signed in; keep this link private): ${server}/studies/${launched.id}#token=${encodeURIComponent(await researcherToken(opts))}`);
    });

  serverAddressOptions(study.command('sign-link <file>'), 'the server participants reach')
    .description("a signed study link for one participant, for a study whose spec requires them (entry.signature): to test a pre-screener's links, or to hand out links yourself")
    .option('--param <name=value>', 'an entry parameter: PROLIFIC_PID, STUDY_ID, SESSION_ID, pid or role (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--expires-in <minutes>', 'the link expires after this many minutes', positiveInt)
    .action(async (file: string, opts: { param: string[]; expiresIn?: number; server?: string; url?: string }) => {
      const spec = await readSpecFile(file);
      const secretEnv = spec.entry?.signature?.secretEnv;
      if (!secretEnv) throw new InvalidArgumentError(`${file}: the spec does not require signed links (entry.signature.secretEnv)`);
      const secret = process.env[secretEnv];
      if (!secret) throw new InvalidArgumentError(`${secretEnv} is not set in this environment: it must hold the same secret as the server's`);
      const params: EntryParams = {};
      for (const p of opts.param) {
        const [name, ...rest] = p.split('=');
        if (!SIGNED_ENTRY_PARAMS.includes(name as (typeof SIGNED_ENTRY_PARAMS)[number]) || name === 'exp' || rest.length === 0) throw new InvalidArgumentError(`--param ${p}: expected name=value with a name among PROLIFIC_PID, STUDY_ID, SESSION_ID, pid, role`);
        params[name as keyof EntryParams] = rest.join('=');
      }
      if (!params.PROLIFIC_PID && !params.pid) throw new InvalidArgumentError('give the panel id: --param PROLIFIC_PID=… or --param pid=…');
      if (opts.expiresIn) params.exp = String(Math.floor(Date.now() / 1000) + opts.expiresIn * 60);
      const sig = signEntry(secret, spec.id, params);
      console.log(`${serverOf(opts)}/s/${spec.id}?${new URLSearchParams({ ...params, sig } as Record<string, string>)}`);
    });

  const bonuses = study.command('bonuses').description("a study's bonus payments");
  serverOptions(bonuses.command('mark-paid <file>'))
    .description('record the bonuses of a bonuses.csv you have paid on the panel as one payment batch (nobody is in two batches; the next bonuses.csv leaves them out)')
    .requiredOption('--study <id>', 'the study the file is from')
    .option('--batch <name>', 'the batch name (default: the file name and today)')
    .action(async (file: string, opts: ServerOpts & { study: string; batch?: string }) => {
      const participants = panelIdsOf(await readFile(file, 'utf8'));
      if (participants.length === 0) throw new Error(`${file}: no participant_id rows (is it a bonuses.csv from the study's exports?)`);
      const batch = opts.batch ?? `${basename(file)} ${new Date().toISOString().slice(0, 10)}`;
      const paid = (await post(opts, `/studies/${encodeURIComponent(opts.study)}/bonuses/paid`, { batch, participants })) as { recorded: number; amount: number; alreadyPaid: number };
      console.log(`batch "${batch}": ${paid.recorded} of ${participants.length} bonuses recorded as paid, ${paid.amount.toFixed(2)} in all${paid.alreadyPaid ? `; ${paid.alreadyPaid} were already in an earlier batch and were not recorded again` : ''}`);
    });

  for (const action of ['pause', 'resume', 'close'] as const) {
    serverOptions(study.command(`${action} <id>`))
      .description(`${action} a launched study`)
      .action(async (id: string, opts: ServerOpts) => {
        const { status } = (await post(opts, `/studies/${encodeURIComponent(id)}/${action}`, {})) as { status: string };
        console.log(`${id}: ${status}`);
      });
  }

  study
    .command('prereg <file>')
    .description('write a pre-registration bundle: the frozen spec and its hash, the seeded assignment plan, the analysis that will be run, the software version')
    .requiredOption('--out <dir>', 'folder for the bundle')
    .option('--agents <file>', 'agents configuration (default $ARENA_AGENTS or ./agents.json)')
    .action(async (file: string, opts: { out: string; agents?: string }) => {
      const { spec, design, warnings } = await checkedSpec(file, opts.agents);
      if (spec.debates) console.error('the stored debates a "debates" selection re-judges are chosen at launch: plan.csv lists the live items only');
      for (const w of warnings) console.error(w);
      const version = (JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
      await mkdir(opts.out, { recursive: true });
      const files = preregBundle(spec, design, version);
      for (const [name, body] of Object.entries(files)) await writeFile(join(opts.out, name), body);
      console.log(`wrote ${Object.keys(files).join(', ')} to ${opts.out} (spec hash ${files['spec-hash.txt']!.trim().slice(0, 16)}…)`);
    });

  study
    .command('simulate <file>')
    .description('dry-run a study with AI judges through the real server path; writes the exports to --out')
    .option('--participants <n>', 'simulated participants', positiveInt, 24)
    .requiredOption('--out <dir>', 'folder for the exports')
    .option('--dropout-rate <p>', 'share of participants who leave part-way', rate, 0.1)
    .option('--fail-check-rate <p>', 'share of attention checks answered carelessly', rate, 0.05)
    .option('--judge <id>', 'the AI judge in the participants\' place', 'builtin:passage-judge')
    .option('--concurrency <n>', 'participants in the study at once', positiveInt, 6)
    .option('--agents <file>', 'agents configuration (default $ARENA_AGENTS or ./agents.json)')
    .option('--json', 'print a JSON summary')
    .action(async (file: string, opts: { participants: number; out: string; dropoutRate: number; failCheckRate: number; judge: string; concurrency: number; agents?: string; json?: boolean }) => {
      const { spec } = await checkedSpec(file, opts.agents);
      if (spec.debates || spec.humanDebaters) throw new Error(`${file}: simulate runs AI judges against agent debaters on a throwaway store; it cannot re-judge stored debates (debates) or recruit human debaters (humanDebaters) yet`);
      const summary = await simulateStudy({
        spec,
        participants: opts.participants,
        out: opts.out,
        dropoutRate: opts.dropoutRate,
        failCheckRate: opts.failCheckRate,
        judge: opts.judge,
        concurrency: opts.concurrency,
        agentsConfig: opts.agents ? loadAgentsConfig(opts.agents) : defaultAgentsConfig(),
        ...(opts.json || !process.stderr.isTTY ? {} : { onParticipant: (done: number, total: number) => process.stderr.write(`\r${done}/${total} participants`) }),
      });
      if (opts.json) console.log(JSON.stringify(summary, null, 2));
      else {
        if (process.stderr.isTTY) process.stderr.write('\n');
        console.log(`${summary.participants} participants in ${summary.seconds.toFixed(1)} s: ${Object.entries(summary.outcomes).map(([k, v]) => `${v} ${k}`).join(', ')}`);
        console.log(`${summary.dropouts} dropouts, ${summary.refills} slots refilled, ${summary.waitlist.waited} waited for a place (${summary.waitlist.admitted} given one); ${summary.slots.done} usable judgements done for ${summary.slots.planned} planned, ${summary.slots.cellsMet} of ${summary.slots.cells} cells met; ${summary.judgements} rows in judgements.csv`);
        console.log(`wrote ${summary.files.join(', ')} to ${opts.out}`);
      }
    });
}
