// Names for prepared statements whose SQL is composed at run time: one name per distinct text,
// since node-postgres refuses a name reused for different SQL on the same connection.
const names = new Map<string, string>();

export function statementName(prefix: string, text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `${prefix}-${names.size}`;
    names.set(text, name);
  }
  return name;
}
