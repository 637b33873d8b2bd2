import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { decodeImage, type DebateView, type RevealView } from '@arena/shared';

/** Grey level of a pixel value in [0, 1]: ink is dark on white. */
const shade = (v: number) => {
  const g = Math.round(255 * (1 - Math.max(0, Math.min(1, v))));
  return `rgb(${g}, ${g}, ${g})`;
};

/** Values in [0, 1] of the image a view carries (decoded by the engine's own image code). */
export function imageValues(image: NonNullable<DebateView['image']>): number[] {
  return Array.from(decodeImage(image.width, image.height, image.pixels).values);
}

export const pixelName = (index: number, width: number) => `row ${Math.floor(index / width) + 1} column ${(index % width) + 1}`;

const SEAT_CLASS: Record<string, string> = { A: 'seat-a', B: 'seat-b', C: 'seat-c', D: 'seat-d' };

interface GridProps {
  width: number;
  height: number;
  /** The whole image when this seat may see it; otherwise only reveals are drawn. */
  values?: number[] | undefined;
  reveals: RevealView[];
  /** Interactive grid (a debater's turn): the pixel picked, and how to pick one. */
  selected?: number | null;
  onSelect?: ((index: number) => void) | undefined;
  label: string;
}

/**
 * A width×height picture as a grid. With `onSelect`, every cell is a button labelled
 * "pixel row r column c" with a roving focus cursor (arrow keys move it, Home/End jump
 * within a row, Enter or Space picks the pixel). Without, a read-only picture. Revealed
 * pixels carry the revealer's colour; hidden pixels (no `values`) are drawn as unknown.
 */
export function PixelGrid({ width, height, values, reveals, selected = null, onSelect, label }: GridProps) {
  const byIndex = useMemo(() => new Map(reveals.map((r) => [r.index, r])), [reveals]);
  const [cursor, setCursor] = useState(() => {
    const first = values?.findIndex((v) => v > 0) ?? 0;
    return first >= 0 ? first : 0;
  });
  const cells = useRef<(HTMLElement | null)[]>([]);
  const n = width * height;

  const move = (to: number) => {
    const i = Math.max(0, Math.min(n - 1, to));
    setCursor(i);
    cells.current[i]?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const row = Math.floor(cursor / width);
    const keys: Record<string, number> = {
      ArrowRight: (cursor % width) < width - 1 ? cursor + 1 : cursor,
      ArrowLeft: (cursor % width) > 0 ? cursor - 1 : cursor,
      ArrowDown: cursor + width < n ? cursor + width : cursor,
      ArrowUp: cursor - width >= 0 ? cursor - width : cursor,
      Home: row * width,
      End: row * width + width - 1,
    };
    const to = keys[e.key];
    if (to !== undefined) {
      e.preventDefault();
      move(to);
    }
  };

  const rows = [];
  for (let r = 0; r < height; r++) {
    const row = [];
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const rev = byIndex.get(i);
      const v = rev?.value ?? values?.[i];
      const known = v !== undefined;
      const inked = (values?.[i] ?? 0) > 0;
      const state = rev ? `revealed-${rev.seat}` : known ? (inked ? 'ink' : 'blank') : 'hidden';
      const cls = ['px', rev ? `revealed ${SEAT_CLASS[rev.seat] ?? ''}` : '', known ? '' : 'unknown', selected === i ? 'picked' : ''].join(' ');
      const style = known ? { background: shade(v) } : undefined;
      const desc = rev ? `revealed by ${rev.seat}, ink ${Math.round(rev.value * 100)}%` : known ? (inked ? `ink ${Math.round((v as number) * 100)}%` : 'blank') : 'not revealed';
      if (onSelect) {
        const pickable = inked && !rev;
        row.push(
          <button
            key={i}
            type="button"
            ref={(el) => {
              cells.current[i] = el;
            }}
            className={cls}
            style={style}
            tabIndex={i === cursor ? 0 : -1}
            aria-label={`pixel ${pixelName(i, width)}`}
            aria-description={desc}
            aria-pressed={selected === i}
            aria-disabled={!pickable}
            data-index={i}
            data-state={state}
            title={`${pixelName(i, width)}: ${desc}`}
            onFocus={() => setCursor(i)}
            onClick={() => {
              setCursor(i);
              if (pickable) onSelect(i);
            }}
          />,
        );
      } else {
        row.push(<span key={i} className={cls} style={style} data-index={i} data-state={state} title={rev || known ? `${pixelName(i, width)}: ${desc}` : undefined} />);
      }
    }
    rows.push(
      <div key={r} className="px-row" role={onSelect ? 'row' : undefined}>
        {row}
      </div>,
    );
  }
  return onSelect ? (
    <div className="pixel-grid interactive" role="grid" aria-label={label} onKeyDown={onKey} style={{ ['--cols' as string]: width }}>
      {rows}
    </div>
  ) : (
    <div className="pixel-grid" role="img" aria-label={label} style={{ ['--cols' as string]: width }}>
      {rows}
    </div>
  );
}

/** Which colour marks whose reveals, and the list of reveals in order (readable without the picture). */
export function RevealLegend({ view }: { view: DebateView }) {
  const width = view.image?.width ?? 28;
  const answerOf = (seat: string) => {
    const i = view.debaters.find((d) => d.seat === seat)?.answerIndex;
    return i === undefined ? '' : ` (argues ${view.answers[i]})`;
  };
  return (
    <div className="reveal-legend">
      <ul className="legend" aria-label="Colours">
        {view.debaters.map((d) => (
          <li key={d.seat}>
            <span className={`swatch ${SEAT_CLASS[d.seat] ?? ''}`} aria-hidden="true" /> Debater {d.seat}
            {answerOf(d.seat)}
          </li>
        ))}
        {!view.image && (
          <li>
            <span className="swatch unknown" aria-hidden="true" /> not revealed
          </li>
        )}
      </ul>
      {view.reveals.length === 0 ? (
        <p className="muted small">No pixel revealed yet.</p>
      ) : (
        <ol className="reveal-list small" aria-label="Revealed pixels">
          {view.reveals.map((r) => (
            <li key={r.index} data-testid="reveal-item">
              {r.seat}: {pixelName(r.index, width)}, ink {Math.round(r.value * 100)}%
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The image part of a view: the whole picture when the seat may see it, else only the reveals. */
export function ImageEvidence({ view, label }: { view: DebateView; label?: string }) {
  const width = view.image?.width ?? 28;
  const height = view.image?.height ?? 28;
  const values = useMemo(() => (view.image ? imageValues(view.image) : undefined), [view.image]);
  const text =
    label ??
    (values
      ? `The whole ${width}×${height} image, ${view.reveals.length} pixels revealed`
      : `${width}×${height} grid showing only the ${view.reveals.length} revealed pixels`);
  return (
    <section className="image-evidence" aria-label="Image evidence" data-testid={values ? 'image-full' : 'image-reveals'}>
      <PixelGrid width={width} height={height} values={values} reveals={view.reveals} label={text} />
      <RevealLegend view={view} />
    </section>
  );
}
