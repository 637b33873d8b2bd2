/**
 * A Parquet table written a row group at a time (hyparquet-writer): rows are buffered
 * per column up to `groupRows`, then encoded and appended to the file, so a table of any
 * length takes the memory of one row group.
 */
import { ParquetWriter, fileWriter, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer';

/** A column's type, as Parquet stores it and a dataset card names it. */
export type ColumnKind = 'string' | 'int32' | 'double' | 'bool' | 'timestamp';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  meaning: string;
}

export type TableRow = Record<string, string | number | boolean | Date | null>;

const BASIC: Record<ColumnKind, NonNullable<ColumnSource['type']>> = { string: 'STRING', int32: 'INT32', double: 'DOUBLE', bool: 'BOOLEAN', timestamp: 'TIMESTAMP' };

/** The dtype a dataset hub's card uses for a column kind. */
export const HUB_DTYPE: Record<ColumnKind, string> = { string: 'string', int32: 'int32', double: 'float64', bool: 'bool', timestamp: 'timestamp[ms]' };

export class ParquetTable {
  private readonly columns: readonly ColumnSpec[];
  private readonly writer: ParquetWriter;
  private readonly groupRows: number;
  private buffer: TableRow[] = [];
  /** Rows written so far. */
  rows = 0;

  constructor(path: string, columns: readonly ColumnSpec[], groupRows = 5_000) {
    this.columns = columns;
    this.groupRows = groupRows;
    const schema = schemaFromColumnData({ columnData: columns.map((c) => ({ name: c.name, data: [], type: BASIC[c.kind], nullable: true })) });
    this.writer = new ParquetWriter({ writer: fileWriter(path), schema, createdBy: 'oversight-arena' });
  }

  add(row: TableRow): void {
    this.buffer.push(row);
    this.rows++;
    if (this.buffer.length >= this.groupRows) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    const columnData = this.columns.map((c) => ({ name: c.name, data: rows.map((r) => r[c.name] ?? null), type: BASIC[c.kind], nullable: true }));
    void this.writer.write({ columnData, rowGroupSize: rows.length });
  }

  finish(): void {
    this.flush();
    void this.writer.finish();
  }
}
