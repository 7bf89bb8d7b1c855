/** A dotted profile attribute path such as mobilePhone.number or consents.marketing.whatsApp.val. */
const SEGMENT = '[A-Za-z_][A-Za-z0-9_]{0,63}';
const ATTRIBUTE_PATH = new RegExp(`^${SEGMENT}(\\.${SEGMENT}){0,9}$`);

export function attributePathProblem(path: string): string | null {
  if (!path.trim()) return 'must not be empty';
  if (path !== path.trim()) return 'must not start or end with spaces';
  if (!ATTRIBUTE_PATH.test(path)) {
    return 'must be a dotted attribute path such as mobilePhone.number (segments start with a letter or "_", then letters, digits or "_"; at most 10 segments)';
  }
  return null;
}

/** Reads a dotted path from a JSON object; undefined when any segment is missing. */
export function readAttribute(attributes: unknown, path: string): unknown {
  let current: unknown = attributes;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
