/**
 * Image evidence (after Irving, Christiano & Amodei 2018): a grayscale picture the
 * debaters see whole; a move reveals one pixel's true value, and the judge sees only
 * revealed pixels. Pixels travel as a hex string (two digits a pixel, 00–ff), so a
 * test can search the judge's raw bytes for any run of unrevealed pixels.
 */

export interface ImageData {
  width: number;
  height: number;
  /** Values in [0, 1], row-major. */
  values: Float32Array;
}

const cache = new Map<string, ImageData>();

export function decodeImage(width: number, height: number, hex: string): ImageData {
  const key = `${width}x${height}:${hex}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const values = new Float32Array(width * height);
  for (let i = 0; i < values.length; i++) values[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16) / 255;
  const image = { width, height, values };
  if (cache.size >= 256) cache.delete(cache.keys().next().value as string);
  cache.set(key, image);
  return image;
}

/** Encodes values in [0, 1] as the hex string scenarios carry. */
export function encodePixels(values: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const byte = Math.max(0, Math.min(255, Math.round((values[i] ?? 0) * 255)));
    out += byte.toString(16).padStart(2, '0');
  }
  return out;
}

/** Why a pixel may not be revealed now, or null. Only nonzero pixels, each once. */
export function revealProblem(image: ImageData, revealed: ReadonlySet<number>, index: number): string | null {
  if (!Number.isInteger(index) || index < 0 || index >= image.values.length) {
    return `pixel ${index} is outside the ${image.width}×${image.height} image`;
  }
  if ((image.values[index] ?? 0) <= 0) return `pixel ${index} is blank; only inked pixels may be revealed`;
  if (revealed.has(index)) return `pixel ${index} has already been revealed`;
  return null;
}
