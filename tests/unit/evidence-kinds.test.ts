import { describe, expect, it } from 'vitest';
import { EVIDENCE_KIND_NAMES, EVIDENCE_KINDS, encodePixels, evidenceKindOf, passageText, type Evidence, type SeenSpeeches } from '@arena/shared';
import { LIGHTHOUSE } from '../helpers/fixtures.ts';

const PASSAGE = LIGHTHOUSE.evidence as Evidence;
const IMAGE: Evidence = { kind: 'image', width: 2, height: 2, pixels: encodePixels([0, 1, 0.5, 0]) };
const BULK = { passage: PASSAGE, image: IMAGE } as const;

const seen: SeenSpeeches = [
  {
    speeches: [
      { seat: 'A', segments: [{ kind: 'quote', text: 'late', verified: true, span: [9, 12] }, { kind: 'reveal', index: 1, value: 1 }] },
      { seat: 'B', segments: [{ kind: 'quote', text: 'early', verified: true, span: [2, 4] }, { kind: 'quote', text: 'made up', verified: false }] },
    ],
  },
  { speeches: [{ seat: 'B', segments: [{ kind: 'quote', text: 'late', verified: true, span: [9, 12] }, { kind: 'reveal', index: 2, value: 0.5 }] }] },
];

describe('evidence kinds, behind one interface', () => {
  it('each registered kind is the module of its evidence', () => {
    for (const name of EVIDENCE_KIND_NAMES) {
      expect(EVIDENCE_KINDS[name].kind).toBe(name);
      expect(evidenceKindOf(BULK[name]).kind).toBe(name);
    }
  });

  it('a passage lists its verified quotes once per span, in passage order, with every seat that quoted them; no reveals', () => {
    expect(evidenceKindOf(PASSAGE).cited(seen)).toEqual({
      quotes: [
        { span: [2, 4], text: 'early', seats: ['B'] },
        { span: [9, 12], text: 'late', seats: ['A', 'B'] },
      ],
      reveals: [],
    });
  });

  it('an image lists its revealed pixels in reveal order, with who revealed them; no quotes', () => {
    expect(evidenceKindOf(IMAGE).cited(seen)).toEqual({
      quotes: [],
      reveals: [
        { index: 1, value: 1, seat: 'A' },
        { index: 2, value: 0.5, seat: 'B' },
      ],
    });
  });

  it('each kind passes its bulk (a passage’s text, an image’s pixels) through share and leaves the evidence equal', () => {
    for (const name of EVIDENCE_KIND_NAMES) {
      const evidence = BULK[name];
      const passed: string[] = [];
      const shared = evidenceKindOf(evidence).shareBulk(evidence, (bulk) => (passed.push(bulk), bulk));
      expect(shared).toEqual(evidence);
      expect(passed).toEqual([name === 'passage' ? (evidence as { text: string }).text : (evidence as { pixels: string }).pixels]);
    }
  });

  it('passageText reads a passage scenario and refuses any other kind', () => {
    expect(passageText(LIGHTHOUSE)).toBe((PASSAGE as { text: string }).text);
    expect(() => passageText({ id: 'img', evidence: IMAGE })).toThrow(/image evidence, not a passage/);
  });
});
