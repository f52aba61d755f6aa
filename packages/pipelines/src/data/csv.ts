import { NoiseClassifierError } from '@noise-classifier/config';

/**
 * RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF line ends; a UTF-8 BOM
 * is dropped. Kept here (≈50 lines) rather than as a dependency because the popular parsers rely on Node's
 * Buffer or streams, and this package must run unchanged in browsers.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let quoteLine = 0;
  let afterQuote = false;
  const endField = () => {
    row.push(field);
    field = '';
    afterQuote = false;
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && !afterQuote) {
      if (field.length > 0) throw csvError(line, 'a quote only at the start of a field', `a quote inside ${JSON.stringify(field)}`);
      quoted = true;
      quoteLine = line;
    } else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
    } else {
      if (afterQuote) {
        throw csvError(line, 'a comma or line end after a closing quote', JSON.stringify(ch));
      }
      field += ch;
    }
  }
  if (quoted) throw csvError(quoteLine, 'a closing quote', 'the end of the file');
  if (field.length > 0 || row.length > 0) endRow();
  return rows;
}

function csvError(line: number, expected: string, received: string): NoiseClassifierError {
  return new NoiseClassifierError('E_DATASET', `Malformed CSV at line ${line}`, { field: `line ${line}`, expected, received });
}

/**
 * Rows as objects keyed by the header row; every row must have the header's number of fields and the header must
 * name every `requiredColumns` entry (so those read as strings; other columns may be absent). `source` names the
 * file in errors.
 */
export function parseCsvRecords<Column extends string = never>(
  text: string,
  requiredColumns: readonly Column[] = [],
  source = 'CSV file',
): { header: string[]; records: (Record<Column, string> & Record<string, string>)[] } {
  const [headerRow, ...rows] = parseCsv(text);
  if (headerRow === undefined) {
    throw new NoiseClassifierError('E_DATASET', `${source} is empty`, { field: source, expected: 'a header row', received: 'nothing' });
  }
  const header = headerRow.map((h) => h.trim());
  for (const column of requiredColumns) {
    if (!header.includes(column)) {
      throw new NoiseClassifierError('E_DATASET', `${source} has no "${column}" column`, {
        field: source,
        expected: `a header with ${requiredColumns.join(',')} (other columns are allowed)`,
        received: header.join(','),
      });
    }
  }
  const records = rows.map((row, r) => {
    if (row.length !== header.length) {
      throw new NoiseClassifierError('E_DATASET', `CSV row ${r + 2} has ${row.length} fields`, {
        field: `row ${r + 2}`,
        expected: `${header.length} fields (${header.join(',')})`,
        received: `${row.length}`,
      });
    }
    // Every header column gets a value (the lengths are equal), the required ones among them.
    return Object.fromEntries(header.map((h, c) => [h, row[c]!])) as Record<Column, string> & Record<string, string>;
  });
  return { header, records };
}
