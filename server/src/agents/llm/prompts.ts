import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerLabel, familyOf, isPresetName, PRESETS, segmentText, sidesChosen, type DebateView, type LegalAction, type Refusal, type RoundView } from '@arena/shared';
import { answerOf } from '../builtin/common.ts';

export const PROMPT_FILES = ['debater-debate', 'debater-consultancy', 'debater-choose', 'debater-critique', 'debater-refine', 'judge-debate', 'judge-consultancy', 'judge-blind', 'judge-expert'] as const;
export type PromptName = (typeof PROMPT_FILES)[number];

const BUILTIN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'prompts');
const cache = new Map<string, string>();

/** A prompt template: `<dir>/<name>.md`, from the configured folder when it has one, else the built-in folder. */
export function promptTemplate(name: PromptName, dir?: string): string {
  const candidates = dir ? [path.join(dir, `${name}.md`), path.join(BUILTIN_DIR, `${name}.md`)] : [path.join(BUILTIN_DIR, `${name}.md`)];
  for (const file of candidates) {
    const hit = cache.get(file);
    if (hit !== undefined) return hit;
    try {
      const text = readFileSync(file, 'utf8');
      cache.set(file, text);
      return text;
    } catch {
      // try the next folder
    }
  }
  throw new Error(`prompt template ${name}.md not found`);
}

/** Fills `{{name}}` placeholders; an unknown placeholder is an error (a typo in a template should not pass silently). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`prompt placeholder {{${key}}} has no value`);
    return String(v);
  });
}

/**
 * Which template a seat uses: the role and the family of the protocol (from the preset
 * itself), and `debater-choose` for an open protocol's choice of answer.
 */
export function promptName(view: DebateView): PromptName {
  const family = familyOf(view.rules);
  if (view.role === 'judge') return `judge-${family}`;
  if (view.legal.some((l) => l.type === 'choose')) return 'debater-choose';
  return family === 'consultancy' ? 'debater-consultancy' : 'debater-debate';
}

/** The protocol's title and description as the preset gives them (a debate of unknown preset: its family). */
function protocolText(view: DebateView): { title: string; description: string } {
  if (isPresetName(view.rules.preset)) return { title: PRESETS[view.rules.preset].info.title.toLowerCase(), description: PRESETS[view.rules.preset].info.description };
  return { title: familyOf(view.rules), description: '' };
}

/** The transcript as a seat sees it, quotes marked [verified] / [unverified]. */
export function renderTranscript(view: DebateView): string {
  const lines: string[] = [];
  const roundsDone = (r: RoundView) => r.speeches.length > 0 || r.judge !== null;
  for (const r of view.rounds.filter((r) => roundsDone(r) || (r.questions ?? []).length > 0)) {
    // A cross-examination: its questions (with the round each answer comes from), then the answers.
    for (const q of r.questions ?? []) {
      lines.push(`Debater ${q.seat} asks Debater ${q.to} (who answers as of round ${q.round + 1}): ${q.timedOut ? '(no question: time ran out)' : q.text}`);
    }
    for (const s of r.speeches) {
      const side = answerOf(view, s.seat);
      const who = view.rules.debaters === 'one' ? 'Consultant' : r.kind === 'cross' ? `Debater ${s.seat}, answering` : `Debater ${s.seat}`;
      const body = s.timedOut
        ? '(no speech: time ran out)'
        : s.segments
            .map((g) => (g.kind === 'quote' ? `<quote ${g.verified ? 'verified' : 'unverified'}>${g.text}</quote>` : segmentText(g)))
            .join('');
      lines.push(`${who} (for answer ${side === undefined ? '?' : answerLabel(side)}): ${body.trim()}`);
    }
    if (r.judge) {
      const probs = r.judge.probabilities.map((p, i) => `${answerLabel(i)}: ${p}`).join(', ');
      lines.push(`Judge: ${probs}${r.judge.comment ? ` (“${r.judge.comment}”)` : ''}`);
    }
  }
  return lines.length ? lines.join('\n\n') : '(nothing yet)';
}

/** The placeholder values for a view. */
export function promptValues(view: DebateView, refusal?: Refusal): Record<string, string | number> {
  const answers = view.answers.map((a, i) => `${answerLabel(i)}. ${a}`).join('\n');
  const own = view.role === 'debater' ? answerOf(view, view.seat as 'A') : undefined;
  const legalJudge = view.legal.find((l) => l.type === 'judge');
  const n = view.answers.length;
  const example = `{${view.answers.map((_, i) => `"${answerLabel(i)}": ${(i === 0 ? 1 - (n - 1) * Math.floor(100 / n) / 100 : Math.floor(100 / n) / 100).toFixed(2)}`).join(', ')}}`;
  let decision = '';
  if (legalJudge && legalJudge.type === 'judge') {
    if (legalJudge.canEnd && legalJudge.canContinue) decision = 'You may end the debate now ("end": true) or ask for another round ("end": false); each extra round costs you a small penalty.';
    else if (legalJudge.canEnd) decision = 'No rounds are left: you must end now ("end": true).';
    else decision = 'You cannot end yet: give your current probabilities and "end": false.';
  }
  const round = view.speechRounds + 1;
  const protocol = protocolText(view);
  return {
    question: view.question,
    answers,
    ownLabel: own === undefined ? '?' : answerLabel(own),
    ownAnswer: own === undefined ? '' : (view.answers[own] ?? ''),
    sideVerb: sidesChosen(view.rules) && own !== undefined && view.seat === 'A' ? 'chose' : 'have been assigned',
    protocolTitle: protocol.title,
    protocolDescription: protocol.description,
    passage: view.passage?.text ?? '',
    speechChars: view.rules.speechChars,
    quoteChars: view.rules.quoteChars,
    roundNumber: round,
    maxRounds: view.rules.maxSpeechRounds,
    roundNote: round === 1 ? 'Open with your strongest evidence.' : 'Answer your opponent’s latest points, then add new evidence.',
    transcript: renderTranscript(view),
    speechRounds: view.speechRounds,
    decision,
    example,
    endExample: legalJudge?.type === 'judge' && !legalJudge.canContinue ? 'true' : 'false',
    refusal: refusal ? `\nYour previous answer was refused: ${refusal.message}. Fix that and answer again.\n` : '',
  };
}

/** System and user messages for a seat's turn. */
export function buildPrompt(view: DebateView, refusal: Refusal | undefined, dir?: string): { system: string; user: string } {
  const name = promptName(view);
  const system =
    view.role === 'judge'
      ? 'You are a careful judge. You answer with JSON only.'
      : 'You are a skilled debater who quotes evidence exactly.';
  return { system, user: fill(promptTemplate(name, dir), promptValues(view, refusal)) };
}

/** What a cross-examination turn asks of the model, in place of a speech. */
export function crossInstruction(legal: Extract<LegalAction, { type: 'question' | 'answer' }>): string {
  if (legal.type === 'question') {
    return `This round is a cross-examination: do not write a speech. Write one question for Debater ${legal.to} (at most ${legal.maxChars} characters) whose answer would help the judge see that their answer is wrong. Reply with the question only.`;
  }
  return `This round is a cross-examination: do not write a speech. Debater ${legal.question.seat} asks you: "${legal.question.text}" Answer it (at most ${legal.maxChars} characters, of which at most ${legal.maxQuoteChars} quoted with <quote>…</quote>). Reply with the answer only.`;
}

/**
 * Critique-and-refine: the turn's own prompt followed by the `debater-critique` template
 * (the draft, asking for a critique) or the `debater-refine` template (the draft and its
 * critique, asking for the improved speech).
 */
export function revisionPrompt(
  view: DebateView,
  base: { system: string; user: string },
  step: { kind: 'critique'; draft: string } | { kind: 'refine'; draft: string; critique: string },
  dir?: string,
): { system: string; user: string } {
  const values = { ...promptValues(view), draft: step.draft, critique: step.kind === 'refine' ? step.critique : '' };
  const template = promptTemplate(step.kind === 'critique' ? 'debater-critique' : 'debater-refine', dir);
  return { system: base.system, user: `${base.user}\n\n---\n\n${fill(template, values)}` };
}
