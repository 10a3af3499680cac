/**
 * `kibana.alert.reason`, as Kibana's `buildReasonMessageUtil` (shared by every rule type, EQL
 * included) writes it:
 *
 *   [<event.category> ]event[ with][ process <process.name>,][ parent process <process.parent.name>,]
 *   [ file <file.name>,][ source <source.ip>][:<source.port>,][ destination <destination.ip>]
 *   [:<destination.port>,][ by <user.name>][ on <host.name>] created <severity> alert <rule name>.
 *
 * Where the values come from (Kibana 9.x: `mergedDoc.fields || mergedDoc._source`):
 * - an event (single-event alert, or a sequence building block): the hit's `fields` block, where
 *   every field is an array of its values. Offline eqlite rebuilds it from the document
 *   (`esFieldValues`): all leaf values under the dotted path, nested or dotted keys alike.
 * - a sequence shell: `{_source: <intersection of the building blocks>}` (no `fields`), read with
 *   lodash `get` (a top-level dotted key, else the nested path), values as stored.
 *
 * Rules for filling it:
 * - A clause is left out when its value is missing, null, empty (`''`, `[]`), `'-'` or `['-']`,
 *   and also when it is neither a string nor an array: a number or boolean has no `length`, so
 *   Kibana drops it. (From `fields` every value is an array, so a numeric port shows; read from a
 *   shell's `_source` a numeric port does not.)
 * - Arrays are joined with `", "`.
 * - `with` appears when process, parent, file, source (address or port) or destination (address or
 *   port) gives a value; category, user and host do not count.
 * - The comma after a source/destination belongs to its port: `source 1.2.3.4 destination ...`
 *   when the port is absent. The space before `created` is always there.
 * - The sentence is an ICU message whose clauses are `select`s with a `null` branch, so a value
 *   that is literally the text `null` selects the empty branch: its clause disappears (it still
 *   counts for `with`).
 *
 * The severity and name are the alert's own: after a severity mapping or rule-name override on
 * single-event alerts, the rule's on building blocks and shells.
 */
import { esFieldValues, lodashGet, type Doc } from './fields.js';

/** Where the reason reads its values: the event's `fields` block, or a document's `_source`. */
export type ReasonSource = 'fields' | 'source';

function clause(v: unknown): string | null {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return null;
  if (typeof v === 'string') return v === '-' ? null : v;
  if (Array.isArray(v)) {
    if (v.length === 0 || (v.length === 1 && v[0] === '-')) return null;
    return v.map(joinPart).join(', ');
  }
  // Numbers, booleans and objects have no `length`: Kibana leaves the clause out.
  return null;
}

/** How `Array.prototype.join` prints one element: null/undefined as empty, the rest `String()`. */
function joinPart(x: unknown): string {
  return x === null || x === undefined ? '' : String(x);
}

/**
 * The reason sentence. `doc` is the event (read as its `fields` block) or, with `from: 'source'`,
 * the shell's intersection (`undefined` when nothing was common: every clause is then left out).
 */
export function alertReason(
  doc: Doc | undefined,
  severity: string,
  ruleName: string,
  from: ReasonSource = 'fields',
): string {
  let interesting = false;
  const of = (field: string, counts: boolean): string | null => {
    if (doc === undefined) return null;
    const v = clause(from === 'fields' ? esFieldValues(doc, field) : lodashGet(doc, field));
    if (v !== null && counts) interesting = true;
    return v;
  };
  const destinationAddress = of('destination.ip', true);
  const destinationPort = of('destination.port', true);
  const eventCategory = of('event.category', false);
  const fileName = of('file.name', true);
  const hostName = of('host.name', false);
  const processName = of('process.name', true);
  const processParentName = of('process.parent.name', true);
  const sourceAddress = of('source.ip', true);
  const sourcePort = of('source.port', true);
  const userName = of('user.name', false);

  // ICU `select` branches on the text: `null` (absent, or the text "null") prints nothing.
  const show = (v: string | null): v is string => v !== null && v !== 'null';
  let s = show(eventCategory) ? `${eventCategory} ` : '';
  s += 'event';
  if (interesting) s += ' with';
  if (show(processName)) s += ` process ${processName},`;
  if (show(processParentName)) s += ` parent process ${processParentName},`;
  if (show(fileName)) s += ` file ${fileName},`;
  if (show(sourceAddress)) s += ` source ${sourceAddress}`;
  if (show(sourcePort)) s += `:${sourcePort},`;
  if (show(destinationAddress)) s += ` destination ${destinationAddress}`;
  if (show(destinationPort)) s += `:${destinationPort},`;
  if (show(userName)) s += ` by ${userName}`;
  if (show(hostName)) s += ` on ${hostName}`;
  return `${s} created ${severity} alert ${ruleName}.`;
}
