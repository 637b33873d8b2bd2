/** `arena pixels …`: the MNIST pixel-debate experiment (Irving, Christiano & Amodei 2018). */
import type { Command } from 'commander';
import { runTrainCommand } from '../pixels/train-command.ts';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
  return n;
};
const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
};

export function registerPixels(program: Command): void {
  const pixels = program.command('pixels').description('MNIST pixel debate: sparse judge training and the debate experiment');

  pixels
    .command('train')
    .description('train the sparse judge on random masks of k nonzero pixels and write its weights')
    .option('--k <k>', 'revealed pixels (4 or 6)', int('--k'), 6)
    .option('--steps <n>', 'minibatches', int('--steps'))
    .option('--seed <seed>', 'training seed')
    .option('--hidden <n>', 'hidden units', int('--hidden'))
    .option('--lr <lr>', 'peak Adam learning rate', num('--lr'))
    .option('--batch <n>', 'minibatch size', int('--batch'))
    .option('--train-size <n>', 'training digits (rest are held out)', int('--train-size'))
    .option('--out <path>', 'weights file (default server/src/pixels/weights/judge-k<k>.json)')
    .option('--no-progress', 'no progress bar')
    .action((o: { k: number; steps?: number; seed?: string; hidden?: number; lr?: number; batch?: number; trainSize?: number; out?: string; progress: boolean }) => {
      runTrainCommand(o);
    });
}
