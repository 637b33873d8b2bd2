/** The source names the reports know by a short name: the NYU debate dataset's ("nyu"), which its importer writes into every header it makes. */
export const NYU_SOURCE = 'nyu-debate-2023';
