/** The part of jStat (https://jstat.github.io) the statistics use. */
declare module 'jstat' {
  const jstat: { jStat: { studentt: { inv(p: number, dof: number): number } } };
  export default jstat;
}
