// read-sequence.mjs FILE.mmd: parse a Mermaid sequenceDiagram with
// Mermaid's own parser and print what it read, one line each:
//   title TEXT
//   participant NAME
//   KIND<TAB>FROM<TAB>TO<TAB>TEXT     KIND: request, answer, error, cause, mark
// Exit 1, with the parser's message, if Mermaid does not accept the file.
//
// Mermaid sanitises labels with DOMPurify, which needs a browser's DOM:
// here labels are only read back, so its sanitiser is the identity.
import DOMPurify from 'dompurify';
import { readFileSync } from 'fs';

DOMPurify.sanitize = (text) => text;
DOMPurify.addHook = () => {};
const { default: mermaid } = await import('mermaid');

// Mermaid keeps entity codes ("#59;") as placeholders until it draws.
const decode = (text) => text.replace(/ﬂ°°(\d+)¶ß/g, (_, code) => String.fromCharCode(Number(code)));
// Its line types (sequenceDb LINETYPE) as the export draws them.
const kinds = { 0: 'request', 1: 'answer', 2: 'mark', 4: 'error', 24: 'cause' };

const text = readFileSync(process.argv[2], 'utf8');
try {
  await mermaid.parse(text);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
const db = (await mermaid.mermaidAPI.getDiagramFromText(text)).db;
const names = new Map();
console.log(`title ${decode(db.getDiagramTitle())}`);
for (const [alias, actor] of db.getActors().entries()) {
  names.set(alias, decode(actor.description));
  console.log(`participant ${decode(actor.description)}`);
}
for (const message of db.getMessages()) {
  const kind = kinds[message.type] ?? `type-${message.type}`;
  const from = kind === 'mark' ? '-' : names.get(message.from);
  const to = kind === 'mark' ? '-' : names.get(message.to);
  console.log(`${kind}\t${from}\t${to}\t${decode(message.message)}`);
}
